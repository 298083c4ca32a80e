import { UsageError } from '../../../core/errors.js';
import { findJsonSyntaxError } from '../../load/json-syntax.js';
import type { Attribute, Block, Body, Expr } from '../ast.js';
import { HclError, rememberSource } from '../diagnostics.js';
import { parseTemplateFile } from '../parse-template.js';
import type { Pos, Range } from '../range.js';

/** A JSON value with where it was written. */
type J =
  | { kind: 'object'; props: { key: string; keyRange: Range; value: J }[]; range: Range }
  | { kind: 'array'; items: J[]; range: Range }
  | { kind: 'scalar'; value: string | number | boolean | null; range: Range };

/**
 * Block types and their label counts, per enclosing block: HCL's JSON syntax cannot tell a block
 * from an object-valued argument without the schema, and these are Packer's. Inside plugin
 * blocks every property is an argument; nested blocks arrive as objects or lists of objects,
 * which the plugin body reader treats as the blocks the native syntax would have written.
 */
const BLOCKS: Record<string, Record<string, number>> = {
  '': { packer: 0, variable: 1, locals: 0, local: 1, data: 2, source: 2, build: 0 },
  variable: { validation: 0 },
  packer: { required_plugins: 0 },
  build: { source: 1, provisioner: 1, 'error-cleanup-provisioner': 1, 'post-processor': 1, 'post-processors': 0 },
  'post-processors': { 'post-processor': 1 },
};

/** Parses a .pkr.json file (HCL's JSON syntax, not Packer's legacy JSON) into a body. */
export function parseJsonFile(file: string, text: string): Body {
  rememberSource(file, text);
  try {
    JSON.parse(text);
  } catch {
    const p = findJsonSyntaxError(text);
    throw new UsageError(p ? `${file}:${p.line}:${p.column}: ${p.message}` : `${file}: not valid JSON`);
  }
  const root = readJson(file, text);
  if (root.kind !== 'object') throw new HclError(root.range, 'an HCL JSON file must be an object');
  return toBody(root, '', file);
}

function toBody(obj: Extract<J, { kind: 'object' }>, parent: string, file: string): Body {
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  for (const { key, keyRange, value } of obj.props) {
    if (key === '//') continue;
    const labels = BLOCKS[parent]?.[key];
    if (labels === undefined) {
      attributes.push({ name: key, expr: toExpr(value, file), range: { ...keyRange, end: value.range.end }, nameRange: keyRange });
      continue;
    }
    blocks.push(...toBlocks(key, labels, value, [], [], keyRange, file));
  }
  return { attributes, blocks, range: obj.range };
}

function toBlocks(type: string, labelsLeft: number, value: J, labels: string[], labelRanges: Range[], typeRange: Range, file: string): Block[] {
  if (value.kind === 'array') return value.items.flatMap((v) => toBlocks(type, labelsLeft, v, labels, labelRanges, typeRange, file));
  if (value.kind !== 'object') throw new HclError(value.range, `a "${type}" block must be written as a JSON object`);
  if (labelsLeft > 0) {
    return value.props.flatMap((p) => toBlocks(type, labelsLeft - 1, p.value, [...labels, p.key], [...labelRanges, p.keyRange], typeRange, file));
  }
  return [{ type, labels, labelRanges, body: toBody(value, type, file), range: { ...typeRange, end: (labelRanges[labelRanges.length - 1] ?? typeRange).end } }];
}

/** Strings are templates, as HCL's JSON syntax says; the rest are literals. */
function toExpr(j: J, file: string): Expr {
  if (j.kind === 'array') return { kind: 'tuple', items: j.items.map((i) => toExpr(i, file)), range: j.range };
  if (j.kind === 'object') {
    return {
      kind: 'object',
      items: j.props.map((p) => ({ key: { kind: 'literal', value: p.key, range: p.keyRange }, value: toExpr(p.value, file), keyIsIdent: false })),
      range: j.range,
    };
  }
  if (typeof j.value === 'string' && /[$%]\{/.test(j.value)) {
    const expr = parseTemplateFile(`${file}:${j.range.start.line}:${j.range.start.col}`, j.value);
    return expr.kind === 'template' || expr.kind === 'wrap' ? { ...expr, range: j.range } : expr;
  }
  return { kind: 'literal', value: j.value, range: j.range };
}

/** A small JSON reader that keeps positions (the text is already known to be valid JSON). */
function readJson(file: string, text: string): J {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (): Pos => ({ line, col: i - lineStart + 1, offset: i });
  const ws = () => {
    while (i < text.length && ' \t\r\n\ufeff'.includes(text[i])) {
      if (text[i] === '\n') {
        line++;
        lineStart = i + 1;
      }
      i++;
    }
  };
  const str = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): J => {
    ws();
    const start = pos();
    const c = text[i];
    if (c === '{') {
      i++;
      const props: { key: string; keyRange: Range; value: J }[] = [];
      ws();
      while (text[i] !== '}') {
        ws();
        const ks = pos();
        const key = str();
        const keyRange = { file, start: ks, end: pos() };
        ws();
        i++;
        props.push({ key, keyRange, value: value() });
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return { kind: 'object', props, range: { file, start, end: pos() } };
    }
    if (c === '[') {
      i++;
      const items: J[] = [];
      ws();
      while (text[i] !== ']') {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
      return { kind: 'array', items, range: { file, start, end: pos() } };
    }
    if (c === '"') {
      const s = str();
      return { kind: 'scalar', value: s, range: { file, start, end: pos() } };
    }
    const m = /^(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(text.slice(i, i + 64))!;
    i += m[0].length;
    return { kind: 'scalar', value: JSON.parse(m[0]) as number | boolean | null, range: { file, start, end: pos() } };
  };
  return value();
}
