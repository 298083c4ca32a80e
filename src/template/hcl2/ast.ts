import type { Range } from './range.js';

/** A file's or block's content, in the order written. */
export interface Body {
  attributes: Attribute[];
  blocks: Block[];
  range: Range;
}

export interface Attribute {
  name: string;
  expr: Expr;
  range: Range;
  nameRange: Range;
}

export interface Block {
  type: string;
  labels: string[];
  labelRanges: Range[];
  body: Body;
  /** The header: type and labels. */
  range: Range;
}

export type Expr =
  | { kind: 'literal'; value: unknown; range: Range }
  | { kind: 'template'; parts: TemplatePart[]; range: Range }
  /** `"${x}"`: the value of x itself, not converted to a string. */
  | { kind: 'wrap'; expr: Expr; range: Range }
  | { kind: 'variable'; name: string; range: Range }
  | { kind: 'attr'; object: Expr; name: string; range: Range }
  | { kind: 'index'; object: Expr; key: Expr; range: Range }
  /** `[*]` / `.*`: `each` is evaluated per element, with the element as `splatItem`. */
  | { kind: 'splat'; source: Expr; each: Expr; range: Range }
  | { kind: 'splatItem'; range: Range }
  | { kind: 'call'; name: string; args: Expr[]; expandFinal: boolean; range: Range; nameRange: Range }
  | { kind: 'tuple'; items: Expr[]; range: Range }
  | { kind: 'object'; items: { key: Expr; value: Expr; keyIsIdent: boolean }[]; range: Range }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; range: Range }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; range: Range }
  | { kind: 'conditional'; cond: Expr; then: Expr; else: Expr; range: Range }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expr; key?: Expr; value: Expr; group: boolean; cond?: Expr; range: Range }
  | { kind: 'parens'; expr: Expr; range: Range };

export type TemplatePart =
  | { kind: 'text'; text: string; range: Range }
  | { kind: 'interp'; expr: Expr; range: Range }
  | { kind: 'if'; cond: Expr; then: TemplatePart[]; else?: TemplatePart[]; range: Range }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[]; range: Range };
