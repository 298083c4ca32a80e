import { HclError } from './diagnostics.js';
import type { Pos, Range } from './range.js';
import type { Token, TokenType } from './tokens.js';

type Mode = { kind: 'normal'; braces: number } | { kind: 'quoted' } | { kind: 'heredoc'; marker: string };

const FILE_END = '\u0000';
// Looked up by length, longest first, instead of trying each in turn: the lexer's hottest path.
const PUNCT3 = new Set(['...']);
const PUNCT2 = new Set(['==', '!=', '<=', '>=', '&&', '||', '=>']);
const PUNCT1 = new Set(['{', '}', '[', ']', '(', ')', ',', '.', '*', '/', '%', '+', '-', '<', '>', '!', '?', ':', '=', '~']);
const NUMBER = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const HEREDOC_START = /<<(-?)([\p{L}_][\p{L}\p{N}_-]*)\r?\n/uy;

const isAsciiLetter = (code: number) => (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
const isIdentStart = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 128 ? isAsciiLetter(code) || code === 95 : /[\p{L}_]/u.test(c);
};
const isIdentPart = (c: string) => {
  const code = c.charCodeAt(0);
  return code < 128 ? isAsciiLetter(code) || (code >= 48 && code <= 57) || code === 95 || code === 45 : /[\p{L}\p{N}_-]/u.test(c);
};

/**
 * HCL native syntax scanner (hclsyntax/spec.md, "Lexical Elements"). Modes nest as HCL's scanner
 * does: a quoted template or heredoc contains `${ … }` sequences of normal tokens, which may
 * contain further templates. Newlines are tokens, since they end attributes.
 */
export function lex(file: string, text: string, options: { template?: boolean; comments?: boolean } = {}): Token[] {
  const tokens: Token[] = [];
  const modes: Mode[] = [{ kind: 'normal', braces: 0 }];
  // A whole file as a template (templatefile): a heredoc whose marker no line can hold, closed by the end of the file.
  if (options.template) modes.push({ kind: 'heredoc', marker: FILE_END });
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = 0;

  const pos = (): Pos => ({ line, col: i - lineStart + 1, offset: i });
  const rangeFrom = (start: Pos): Range => ({ file, start, end: pos() });
  const fail = (message: string, start = pos()): never => {
    throw new HclError({ file, start, end: { ...start, col: start.col + 1, offset: start.offset + 1 } }, message);
  };
  const push = (type: TokenType, value: string, start: Pos, extra: Partial<Token> = {}) => tokens.push({ type, value, range: rangeFrom(start), ...extra });
  const advance = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
    }
  };

  const scanNormal = (mode: { kind: 'normal'; braces: number }) => {
    const c = text[i];
    const start = pos();
    if (c === ' ' || c === '\t' || c === '\r') return advance(1);
    if (c === '\n') {
      advance(1);
      return push('newline', '\n', start);
    }
    if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      // As HCL's scanner, for `fmt`: a line comment holds the newline that ends it.
      if (options.comments) {
        if (i < text.length) advance(1);
        push('comment', text.slice(start.offset, i), start);
      }
      return;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail('unterminated comment: "/*" has no "*/"');
      advance(end + 2 - i);
      if (options.comments) push('comment', text.slice(start.offset, i), start);
      return;
    }
    if (c === '"') {
      advance(1);
      push('oquote', '"', start);
      modes.push({ kind: 'quoted' });
      return;
    }
    if (c === '<' && text[i + 1] === '<') {
      HEREDOC_START.lastIndex = i;
      const m = HEREDOC_START.exec(text);
      if (m) {
        advance(m[0].length);
        push('oheredoc', m[2], start, { flush: m[1] === '-' });
        modes.push({ kind: 'heredoc', marker: m[2] });
        return;
      }
    }
    if (c >= '0' && c <= '9') {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text)!;
      advance(m[0].length);
      return push('number', m[0], start);
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentPart(text[j])) j++;
      const name = text.slice(i, j);
      advance(j - i);
      return push('ident', name, start);
    }
    if ((c === '~' && text[i + 1] === '}') || c === '}') {
      const strip = c === '~';
      if (mode.braces === 0 && modes.length > 1) {
        advance(strip ? 2 : 1);
        modes.pop();
        return push('tend', '}', start, { strip });
      }
      if (strip) {
        advance(1);
        return push('punct', '~', start);
      }
      mode.braces--;
      advance(1);
      return push('punct', '}', start);
    }
    const p = PUNCT3.has(text.slice(i, i + 3)) ? text.slice(i, i + 3) : PUNCT2.has(text.slice(i, i + 2)) ? text.slice(i, i + 2) : PUNCT1.has(c) ? c : undefined;
    if (p !== undefined) {
      if (p === '{') mode.braces++;
      advance(p.length);
      return push('punct', p, start);
    }
    fail(`invalid character ${JSON.stringify(c)}`);
  };

  /** `${`, `%{` (with `~`), or undefined; `$${` and `%%{` are literal. */
  const sequenceStart = (): boolean => {
    const c = text[i];
    if ((c !== '$' && c !== '%') || text[i + 1] !== '{') return false;
    const start = pos();
    const strip = text[i + 2] === '~';
    advance(strip ? 3 : 2);
    push(c === '$' ? 'interp' : 'control', c + '{', start, { strip });
    modes.push({ kind: 'normal', braces: 0 });
    return true;
  };

  const scanQuoted = () => {
    const start = pos();
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if (c === '"' || c === '\n' || ((c === '$' || c === '%') && text[i + 1] === '{')) break;
      if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
        out += c + '{';
        advance(3);
        continue;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
        if (e in simple) {
          out += simple[e];
          advance(2);
          continue;
        }
        const hex = e === 'u' ? 4 : e === 'U' ? 8 : 0;
        const digits = text.slice(i + 2, i + 2 + hex);
        if (hex > 0 && new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits)) {
          out += String.fromCodePoint(parseInt(digits, 16));
          advance(2 + hex);
          continue;
        }
        fail(`invalid escape sequence "\\${e ?? ''}"; use \\n, \\r, \\t, \\", \\\\, \\uNNNN or \\UNNNNNNNN`);
      }
      out += c;
      advance(1);
    }
    if (out !== '') push('lit', nfc(out), start);
    if (i >= text.length || text[i] === '\n') fail('unterminated string: a quoted string must end with " on the same line', start);
    if (text[i] === '"') {
      const q = pos();
      advance(1);
      modes.pop();
      push('cquote', '"', q);
      return;
    }
    sequenceStart();
  };

  const scanHeredoc = (mode: { kind: 'heredoc'; marker: string }) => {
    const atLineStart = i === lineStart;
    if (atLineStart) {
      const eol = text.indexOf('\n', i);
      const lineText = text.slice(i, eol < 0 ? text.length : eol).replace(/\r$/, '');
      if (lineText.trim() === mode.marker) {
        const start = pos();
        advance((eol < 0 ? text.length : eol) - i);
        push('cheredoc', mode.marker, start);
        modes.pop();
        return;
      }
    }
    if (i >= text.length) {
      if (mode.marker === FILE_END) return;
      fail(`unterminated heredoc: no line with only ${JSON.stringify(mode.marker)} closes it`);
    }
    const start = pos();
    let out = '';
    while (i < text.length) {
      const c = text[i];
      if ((c === '$' || c === '%') && text[i + 1] === '{') break;
      if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
        out += c + '{';
        advance(3);
        continue;
      }
      out += c;
      advance(1);
      if (c === '\n') break;
    }
    if (out !== '') push('lit', nfc(out), start, { flush: atLineStart });
    if (out === '' || !out.endsWith('\n')) sequenceStart();
  };

  while (i < text.length) {
    const mode = modes[modes.length - 1];
    if (mode.kind === 'normal') scanNormal(mode);
    else if (mode.kind === 'quoted') scanQuoted();
    else scanHeredoc(mode);
  }
  const mode = modes[modes.length - 1];
  if (mode.kind === 'heredoc' && mode.marker === FILE_END) {
    push('cheredoc', '', pos());
    modes.pop();
  } else if (mode.kind === 'heredoc') fail(`unterminated heredoc: no line with only ${JSON.stringify(mode.marker)} closes it`);
  if (modes.length > 1) fail('unexpected end of file: a "${" or "%{" sequence or a string is not closed');
  push('eof', '', pos());
  return tokens;
}

/** HCL normalizes string literals to Unicode NFC (specsuite's string_unicode_nonnorm); ASCII needs nothing. */
function nfc(text: string): string {
  return /[^\x00-\x7f]/.test(text) ? text.normalize('NFC') : text;
}
