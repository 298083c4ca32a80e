/** A place in a source file: 1-based line and column (in characters), 0-based offset. */
export interface Pos {
  line: number;
  col: number;
  offset: number;
}

/** Where a node was written: every AST node and every diagnostic carries one. */
export interface Range {
  file: string;
  start: Pos;
  end: Pos;
}

export function rangeBetween(a: Range, b: Range): Range {
  return { file: a.file, start: a.start, end: b.end };
}
