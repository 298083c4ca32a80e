import { HclError } from './diagnostics.js';
import type { Range } from './range.js';
import type { Token, TokenType } from './tokens.js';

/**
 * The parser's position in the token list. Newlines end attributes and object items, but inside
 * parentheses, brackets and function arguments they are whitespace: `ignoreNewlines` says which.
 */
export class Cursor {
  private p = 0;
  private newlineModes: boolean[] = [false];

  constructor(private readonly tokens: Token[]) {}

  private get ignoring(): boolean {
    return this.newlineModes[this.newlineModes.length - 1];
  }

  /** Runs `fn` with newlines ignored (true) or significant (false), then restores the mode. */
  within<T>(ignoreNewlines: boolean, fn: () => T): T {
    this.newlineModes.push(ignoreNewlines);
    try {
      return fn();
    } finally {
      this.newlineModes.pop();
    }
  }

  peek(offset = 0): Token {
    let q = this.p;
    for (;;) {
      while (this.ignoring && this.tokens[q].type === 'newline') q++;
      if (offset === 0) return this.tokens[q];
      offset--;
      q++;
    }
  }

  next(): Token {
    while (this.ignoring && this.tokens[this.p].type === 'newline') this.p++;
    const t = this.tokens[this.p];
    if (t.type !== 'eof') this.p++;
    return t;
  }

  /** The next token without skipping newlines, whatever the mode. */
  raw(): Token {
    return this.tokens[this.p];
  }

  skipNewlines(): void {
    while (this.tokens[this.p].type === 'newline') this.p++;
  }

  is(type: TokenType, value?: string): boolean {
    const t = this.peek();
    return t.type === type && (value === undefined || t.value === value);
  }

  punct(value: string): boolean {
    return this.is('punct', value);
  }

  accept(value: string): Token | undefined {
    return this.punct(value) ? this.next() : undefined;
  }

  expect(value: string, what: string): Token {
    const t = this.peek();
    if (t.type === 'punct' && t.value === value) return this.next();
    throw new HclError(t.range, `expected ${JSON.stringify(value)} ${what}, found ${describe(t)}`);
  }

  fail(message: string, range: Range = this.peek().range): never {
    throw new HclError(range, message);
  }
}

export function describe(t: Token): string {
  switch (t.type) {
    case 'eof': return 'the end of the file';
    case 'newline': return 'a newline';
    case 'ident': return `"${t.value}"`;
    case 'number': return `the number ${t.value}`;
    case 'oquote': return 'a string';
    case 'oheredoc': return 'a heredoc';
    case 'punct': return `"${t.value}"`;
    default: return `"${t.value}"`;
  }
}
