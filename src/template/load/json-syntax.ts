/**
 * Finds the first JSON syntax error with its line and column (Node's JSON.parse messages differ
 * between versions and some carry no position), and duplicate keys, which JSON.parse and Packer
 * silently resolve to the last one.
 */
export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

class Stop {
  constructor(readonly at: number, readonly message: string) {}
}

export function findJsonSyntaxError(text: string): SyntaxProblem | undefined {
  return scanJson(text).error;
}

export function scanJson(text: string): { error?: SyntaxProblem; duplicates: SyntaxProblem[] } {
  const duplicates: SyntaxProblem[] = [];
  let i = 0;
  const describe = () => {
    if (i >= text.length) return 'end of file';
    const code = text.charCodeAt(i);
    return code < 0x20 ? `character U+${code.toString(16).padStart(4, '0')}` : `token '${text[i]}'`;
  };
  const fail = (message: string) => new Stop(i, message);
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const expect = (c: string, what: string) => {
    ws();
    if (text[i] !== c) throw fail(`expected ${what}, found ${describe()}`);
    i++;
  };

  function value(): void {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    const m = /^(-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) throw fail(`unexpected ${describe()}`);
    i += m[0].length;
  }

  function object(): void {
    i++;
    ws();
    if (text[i] === '}') return void i++;
    const seen = new Set<string>();
    for (;;) {
      ws();
      if (text[i] !== '"') throw fail(`expected a property name in double quotes, found ${describe()}`);
      const keyStart = i;
      string();
      const key = JSON.parse(text.slice(keyStart, i)) as string;
      if (seen.has(key)) duplicates.push({ ...lineColumn(text, keyStart), message: `duplicate key "${key}"; the last one is used` });
      seen.add(key);
      expect(':', "':' after the property name");
      value();
      ws();
      if (text[i] === '}') return void i++;
      if (text[i] !== ',') throw fail(`expected ',' or '}', found ${describe()}`);
      i++;
    }
  }

  function array(): void {
    i++;
    ws();
    if (text[i] === ']') return void i++;
    for (;;) {
      value();
      ws();
      if (text[i] === ']') return void i++;
      if (text[i] !== ',') throw fail(`expected ',' or ']', found ${describe()}`);
      i++;
    }
  }

  function string(): void {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) throw fail('control character in a string (write it as \\n, \\t, …)');
      if (text[i] === '\\') {
        if (!/^(["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(text.slice(i + 1, i + 6))) {
          i++;
          throw fail(`bad escape sequence in a string`);
        }
      }
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) {
      i = start;
      throw fail('unterminated string');
    }
    i++;
  }

  try {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    ws();
    if (i >= text.length) throw fail('the file is empty');
    value();
    ws();
    if (i < text.length) throw fail(`unexpected ${describe()} after the end of the template`);
    return { duplicates };
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    return { error: { ...lineColumn(text, e.at), message: e.message }, duplicates };
  }
}

function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}
