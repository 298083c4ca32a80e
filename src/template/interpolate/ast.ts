/** The parsed form of a template string: Go text/template's subset that Packer users write. */

export type Operand =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'field'; path: string[] }
  | { kind: 'ident'; name: string }
  | { kind: 'pipeline'; pipeline: Pipeline };

/** One command of a pipeline: a function name and its arguments, or a single value. */
export type Command = Operand[];

export type Pipeline = Command[];

export type Segment =
  | { kind: 'text'; text: string }
  /** `source` is the action as written, `{{ … }}` included, for messages and partial rendering. */
  | { kind: 'action'; pipeline: Pipeline; source: string }
  | { kind: 'comment' };
