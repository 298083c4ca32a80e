import type { Command, Operand, Pipeline } from './ast.js';
import { TemplateSyntaxError } from './template-error.js';

type Token =
  | { t: 'operand'; operand: Operand }
  | { t: '|' }
  | { t: '(' }
  | { t: ')' };

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const FIELD = /(\.[A-Za-z_][A-Za-z0-9_]*)+|\./y;
const NUMBER = /[+-]?(0[xX][0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)/y;
const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v',
};

/** Parses the inside of one `{{ }}` into a pipeline; `source` is the whole action, for messages. */
export function parseAction(body: string, source: string): Pipeline {
  const tokens = tokenize(body, source);
  if (tokens.length === 0) throw new TemplateSyntaxError(`empty action ${source}`);
  let pos = 0;
  const fail = (why: string) => new TemplateSyntaxError(`${why} in ${source}`);

  function pipeline(): Pipeline {
    const commands: Command[] = [command()];
    while (tokens[pos]?.t === '|') {
      pos++;
      commands.push(command());
    }
    return commands;
  }

  function command(): Command {
    const operands: Operand[] = [];
    for (;;) {
      const tok = tokens[pos];
      if (!tok || tok.t === '|' || tok.t === ')') break;
      pos++;
      if (tok.t === 'operand') operands.push(tok.operand);
      else {
        const inner = pipeline();
        if (tokens[pos]?.t !== ')') throw fail('missing ")"');
        pos++;
        operands.push({ kind: 'pipeline', pipeline: inner });
      }
    }
    if (operands.length === 0) throw fail('missing value for command');
    return operands;
  }

  const result = pipeline();
  if (pos < tokens.length) throw fail('unexpected ")"');
  return result;
}

function tokenize(body: string, source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const match = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    const m = re.exec(body);
    return m ? m[0] : undefined;
  };
  while (i < body.length) {
    const c = body[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === '|' || c === '(' || c === ')') {
      tokens.push({ t: c });
      i++;
    } else if (c === '"') {
      const [value, end] = readQuoted(body, i, source);
      tokens.push({ t: 'operand', operand: { kind: 'string', value } });
      i = end;
    } else if (c === '`') {
      const end = body.indexOf('`', i + 1);
      tokens.push({ t: 'operand', operand: { kind: 'string', value: body.slice(i + 1, end) } });
      i = end + 1;
    } else if (c === '/' && body[i + 1] === '*') {
      i = body.indexOf('*/', i + 2) + 2;
    } else if (c === '$') {
      throw new TemplateSyntaxError(`template variables ($) are not supported in ${source}`);
    } else if (c === '.' && !/\d/.test(body[i + 1] ?? '')) {
      const text = match(FIELD) as string;
      tokens.push({ t: 'operand', operand: { kind: 'field', path: text === '.' ? [] : text.slice(1).split('.') } });
      i += text.length;
    } else if (/[\d+\-.]/.test(c)) {
      const text = match(NUMBER);
      if (!text) throw new TemplateSyntaxError(`bad number in ${source}`);
      tokens.push({ t: 'operand', operand: { kind: 'number', value: Number(text) } });
      i += text.length;
    } else {
      const name = match(IDENT);
      if (!name) throw new TemplateSyntaxError(`unexpected "${c}" in ${source}${c === "'" ? singleQuoteHint(source) : ''}`);
      const operand: Operand =
        name === 'true' || name === 'false' ? { kind: 'bool', value: name === 'true' } : { kind: 'ident', name };
      tokens.push({ t: 'operand', operand });
      i += name.length;
    }
  }
  return tokens;
}

/** Reads a Go double-quoted string starting at `start`; returns its value and the index after it. */
function readQuoted(body: string, start: number, source: string): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < body.length && body[i] !== '"') {
    if (body[i] !== '\\') {
      out += body[i++];
      continue;
    }
    const e = body[i + 1];
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    const digits = hexLen ? body.slice(i + 2, i + 2 + hexLen) : body.slice(i + 1, i + 4);
    const valid = hexLen ? new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(digits) : /^[0-7]{3}$/.test(digits);
    if (!valid) throw new TemplateSyntaxError(`unknown escape sequence "\\${e ?? ''}" in ${source}`);
    out += String.fromCodePoint(parseInt(digits, hexLen ? 16 : 8));
    i += hexLen ? 2 + hexLen : 4;
  }
  return [out, i + 1];
}

/** Go templates have no single-quoted strings; shell habits (and Packer's docs for HCL2) lead people to write them. */
function singleQuoteHint(source: string): string {
  return `: Go templates quote strings with backticks or double quotes, as in ${source.replace(/'([^']*)'/g, '`$1`')}`;
}
