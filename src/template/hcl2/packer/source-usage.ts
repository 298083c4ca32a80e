import { didYouMean } from '../../load/did-you-mean.js';
import type { Block, Body } from '../ast.js';
import { HclError, type Diagnostics } from '../diagnostics.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import type { Range } from '../range.js';
import type { Config } from './blocks.js';

/** One source a build uses: `sources = ["source.qemu.base"]` or a `source "qemu.base" { … }` block. */
export interface SourceUsage {
  type: string;
  /** The source block's name. */
  name: string;
  /** `name = …` of a build's source block, else the source's name: what only/except and override match. */
  localName: string;
  source: Block;
  /** Fields the build's source block adds (merged with the source's; a field set in both is an error). */
  extra?: Body;
  range: Range;
}

/** Packer's "type.name" of a usage: what provisioners' only/except name. */
export const usageRef = (u: SourceUsage) => `${u.type}.${u.localName}`;

function parseRef(text: string): [string, string] | undefined {
  const parts = text.replace(/^source\./, '').split('.');
  return parts.length === 2 && parts.every((p) => p !== '') ? [parts[0], parts[1]] : undefined;
}

/** The sources a build block uses, in order: its `sources` list, then its source blocks. */
export function sourceUsages(build: Block, config: Config, ctx: EvalContext, diags: Diagnostics): SourceUsage[] {
  const usages: SourceUsage[] = [];
  const known = [...config.sources.keys()].map((k) => `source.${k}`);
  const find = (text: string, range: Range): Block | undefined => {
    const ref = parseRef(text);
    if (!ref) {
      diags.error(range, `invalid source reference ${JSON.stringify(text)}; a source reference looks like "source.type.name"`);
      return undefined;
    }
    const source = config.sources.get(`${ref[0]}.${ref[1]}`);
    if (!source) diags.error(range, `unknown source ${JSON.stringify(text)}${didYouMean(`source.${ref.join('.')}`, known)}; declared sources: ${known.join(', ') || 'none'}`);
    return source;
  };
  const list = build.body.attributes.find((a) => a.name === 'sources');
  if (list) {
    try {
      const refs = evaluate(list.expr, ctx);
      if (!Array.isArray(refs) || refs.some((r) => typeof r !== 'string')) throw new HclError(list.expr.range, 'sources must be a list of source references like "source.qemu.base"');
      for (const ref of refs as string[]) {
        const source = find(ref, list.expr.range);
        if (source) usages.push({ type: source.labels[0], name: source.labels[1], localName: source.labels[1], source, range: list.expr.range });
      }
    } catch (err) {
      diags.catch(err);
    }
  }
  for (const block of build.body.blocks.filter((b) => b.type === 'source')) {
    if (block.labels.length !== 1) {
      diags.error(block.range, 'a source block in a build takes one label, the source it uses: source "qemu.base" { … }');
      continue;
    }
    const source = find(block.labels[0], block.labelRanges[0]);
    if (!source) continue;
    const nameAttr = block.body.attributes.find((a) => a.name === 'name');
    let localName = source.labels[1];
    try {
      if (nameAttr) {
        const v = evaluate(nameAttr.expr, ctx);
        if (typeof v !== 'string' || v === '') throw new HclError(nameAttr.expr.range, 'name must be a non-empty string');
        localName = v;
      }
    } catch (err) {
      diags.catch(err);
    }
    const extra: Body = { ...block.body, attributes: block.body.attributes.filter((a) => a.name !== 'name') };
    usages.push({ type: source.labels[0], name: source.labels[1], localName, source, extra, range: block.range });
  }
  if (usages.length === 0 && !list && !build.body.blocks.some((b) => b.type === 'source')) {
    diags.error(build.range, 'a build block needs at least one source: sources = ["source.type.name"] or a source "type.name" block');
  }
  return usages;
}

/** The source's body with the build's additions; as in Packer, a field set in both places is an error. */
export function mergedBody(usage: SourceUsage, diags: Diagnostics): Body {
  const base = usage.source.body;
  if (!usage.extra) return base;
  for (const attr of usage.extra.attributes) {
    const previous = base.attributes.find((a) => a.name === attr.name);
    if (previous) {
      diags.error(attr.nameRange, `"${attr.name}" is already set in source "${usage.type}" "${usage.name}" at ${previous.range.file}:${previous.range.start.line}; set it in one place`);
    }
  }
  return {
    attributes: [...base.attributes, ...usage.extra.attributes.filter((a) => !base.attributes.some((b) => b.name === a.name))],
    blocks: [...base.blocks, ...usage.extra.blocks],
    range: base.range,
  };
}
