import type { Range } from './range.js';

export type TokenType =
  | 'ident'
  | 'number'
  /** `"` opening and closing a quoted template. */
  | 'oquote'
  | 'cquote'
  /** `<<EOF` / `<<-EOF` and the closing marker line. */
  | 'oheredoc'
  | 'cheredoc'
  /** Literal text of a template, escapes already applied. */
  | 'lit'
  /** `${` (interpolation) and `%{` (directive), with `~` strip markers. */
  | 'interp'
  | 'control'
  /** The `}` (or `~}`) closing an interpolation or directive. */
  | 'tend'
  | 'punct'
  | 'newline'
  /** Only when lexing for `fmt`; a line comment includes its newline. */
  | 'comment'
  | 'eof';

export interface Token {
  type: TokenType;
  /** Identifier name, punctuation, literal text, or the heredoc marker. */
  value: string;
  range: Range;
  /** `${~`, `%{~` (strip before) or `~}` (strip after). */
  strip?: boolean;
  /** oheredoc: `<<-` (leading spaces removed); lit: starts a heredoc line. */
  flush?: boolean;
}
