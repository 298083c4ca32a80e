import { didYouMean } from '../../load/did-you-mean.js';
import type { Attribute, Block, Body, Expr } from '../ast.js';
import type { Diagnostics } from '../diagnostics.js';
import type { Range } from '../range.js';

/** A local value: from a `locals {}` argument or a `local "name" {}` block (which may be sensitive). */
export interface LocalDecl {
  name: string;
  expr: Expr;
  range: Range;
  sensitive?: Expr;
}

/** A template's top-level blocks, gathered from all its files. */
export interface Config {
  packer: Block[];
  variables: Map<string, Block>;
  locals: Map<string, LocalDecl>;
  /** By "type.name". */
  data: Map<string, Block>;
  /** By "type.name". */
  sources: Map<string, Block>;
  builds: Block[];
}

const LABELS: Record<string, string[]> = {
  packer: [],
  variable: ['name'],
  variables: [],
  locals: [],
  local: ['name'],
  data: ['type', 'name'],
  source: ['type', 'name'],
  build: [],
};

/** Sorts every top-level block of every file, checking names, labels and duplicates. */
export function gatherConfig(bodies: Body[], diags: Diagnostics): Config {
  const config: Config = { packer: [], variables: new Map(), locals: new Map(), data: new Map(), sources: new Map(), builds: [] };
  const declared = new Map<string, Range>();
  const once = (key: string, range: Range, what: string): boolean => {
    const previous = declared.get(key);
    if (previous) {
      diags.error(range, `${what} is already declared at ${previous.file}:${previous.start.line}`);
      return false;
    }
    declared.set(key, range);
    return true;
  };
  for (const body of bodies) {
    for (const attr of body.attributes) diags.error(attr.nameRange, `unexpected argument "${attr.name}" at the top level; arguments belong in a block (variable, locals, source, build …)`);
    for (const block of body.blocks) {
      const labels = LABELS[block.type];
      if (!labels) {
        diags.error(block.range, `unknown block type "${block.type}"${didYouMean(block.type, Object.keys(LABELS))}; a template has packer, variable, locals, local, data, source and build blocks`);
        continue;
      }
      if (block.labels.length !== labels.length) {
        const want = labels.length === 0 ? 'no labels' : labels.map((l) => `a ${l}`).join(' and ');
        diags.error(block.range, `a ${block.type} block takes ${want}, got ${block.labels.length} label${block.labels.length === 1 ? '' : 's'}`);
        continue;
      }
      switch (block.type) {
        case 'packer':
          config.packer.push(block);
          break;
        case 'variable':
          if (once(`var.${block.labels[0]}`, block.range, `variable "${block.labels[0]}"`)) config.variables.set(block.labels[0], block);
          break;
        case 'variables':
          // Packer's `variables { name = default }` shorthand.
          for (const attr of block.body.attributes) {
            if (!once(`var.${attr.name}`, attr.nameRange, `variable "${attr.name}"`)) continue;
            config.variables.set(attr.name, shorthandVariable(attr));
          }
          break;
        case 'locals':
          for (const attr of block.body.attributes) {
            if (once(`local.${attr.name}`, attr.nameRange, `local "${attr.name}"`)) config.locals.set(attr.name, { name: attr.name, expr: attr.expr, range: attr.range });
          }
          for (const b of block.body.blocks) diags.error(b.range, 'a locals block holds only arguments: name = value');
          break;
        case 'local': {
          const name = block.labels[0];
          const expression = block.body.attributes.find((a) => a.name === 'expression');
          if (!expression) {
            diags.error(block.range, `local "${name}" needs an "expression" argument`);
            break;
          }
          for (const a of block.body.attributes) if (a.name !== 'expression' && a.name !== 'sensitive') diags.error(a.nameRange, `unknown argument "${a.name}" in a local block; it takes expression and sensitive`);
          const sensitive = block.body.attributes.find((a) => a.name === 'sensitive')?.expr;
          if (once(`local.${name}`, block.range, `local "${name}"`)) config.locals.set(name, { name, expr: expression.expr, range: expression.range, sensitive });
          break;
        }
        case 'data': {
          const key = `${block.labels[0]}.${block.labels[1]}`;
          if (once(`data.${key}`, block.range, `data "${block.labels[0]}" "${block.labels[1]}"`)) config.data.set(key, block);
          break;
        }
        case 'source': {
          const key = `${block.labels[0]}.${block.labels[1]}`;
          if (once(`source.${key}`, block.range, `source "${block.labels[0]}" "${block.labels[1]}"`)) config.sources.set(key, block);
          break;
        }
        case 'build':
          config.builds.push(block);
          break;
      }
    }
  }
  return config;
}

function shorthandVariable(attr: Attribute): Block {
  return {
    type: 'variable',
    labels: [attr.name],
    labelRanges: [attr.nameRange],
    body: { attributes: [{ ...attr, name: 'default' }], blocks: [], range: attr.range },
    range: attr.nameRange,
  };
}
