import { BUILD_VALUE_KEYS } from '../../../core/build-values.js';
import { keepVerbatim } from '../../../core/redactor.js';
import { closest, didYouMean } from '../../load/did-you-mean.js';
import { planBuilders, type BuildHead } from '../../load/builders.js';
import type { Loader } from '../../load/loader.js';
import { planPostProcessors } from '../../load/post-processors.js';
import { planProvisioners } from '../../load/provisioners.js';
import type { PlannedPostProcessor, PlannedProvisioner } from '../../plan.js';
import type { Attribute, Block } from '../ast.js';
import { HclError, type Diagnostics } from '../diagnostics.js';
import { evaluate, type EvalContext } from '../evaluate.js';
import type { Config } from './blocks.js';
import { BodyErrors, evaluateBody, placeholders, type RangeMap } from './plugin-body.js';
import { mergedBody, sourceUsages, usageRef, type SourceUsage } from './source-usage.js';


const BUILD_ARGS = ['name', 'description', 'sources'];
const BUILD_BLOCKS = ['source', 'provisioner', 'error-cleanup-provisioner', 'post-processor', 'post-processors', 'hcp_packer_registry'];
const PROVISIONER_COMMON = ['only', 'except', 'override', 'pause_before', 'max_retries', 'timeout', 'name'];
const POST_PROCESSOR_COMMON = ['only', 'except'];

export interface PlannedHclBuilds {
  heads: BuildHead[];
  /** Builds -only/-except leave out, not evaluated (as in Packer); `missing` when bake has no builder of their type. */
  skipped: { name: string; type: string; missing: boolean }[];
  provisioners: Map<string, PlannedProvisioner[]>;
  /** Each build's error-cleanup-provisioner, when it has one. */
  errorCleanup: Map<string, PlannedProvisioner>;
  postProcessors: Map<string, PlannedPostProcessor[][]>;
  postProcessorNames: string[];
  descriptions: string[];
}

interface Selected {
  usage: SourceUsage;
  buildIndex: number;
  build: Block;
  buildName: string;
  /** The build block's `name`. */
  blockName: string;
  ctx: EvalContext;
}

/**
 * Every build block's sources as builds named as Packer names them (`type.name`, or
 * `build-name.type.name`), each source's config evaluated with `source.*` set, then each
 * provisioner and post-processor evaluated per source (`build.*`, only/except, override) and
 * handed, JSON-shaped, to the same planning code the JSON reader uses.
 */
/** Labels name blocks by their types, never secrets (bento's ssh_password "vagrant" is also a post-processor type). */
function setLabel(labels: Map<string, string>, path: string, label: string): void {
  keepVerbatim(label);
  labels.set(path, label);
}

export function planHclBuilds(config: Config, ctx: EvalContext, loader: Loader, ranges: RangeMap, labels: Map<string, string>, diags: Diagnostics, selected?: (name: string) => boolean): PlannedHclBuilds {
  const out: PlannedHclBuilds = { heads: [], skipped: [], provisioners: new Map(), errorCleanup: new Map(), postProcessors: new Map(), postProcessorNames: [], descriptions: [] };
  if (config.builds.length === 0) diags.error(undefined, `${loader.file}: no build block; a template needs build { sources = ["source.type.name"] }`);
  const chosen: Selected[] = [];
  config.builds.forEach((build, buildIndex) => {
    for (const a of build.body.attributes) if (!BUILD_ARGS.includes(a.name)) diags.error(a.nameRange, `unknown argument "${a.name}" in a build block${didYouMean(a.name, BUILD_ARGS)}; it takes name, description and sources`);
    for (const b of build.body.blocks) if (!BUILD_BLOCKS.includes(b.type)) diags.error(b.range, `unknown block "${b.type}" in a build block${didYouMean(b.type, BUILD_BLOCKS)}`);
    for (const b of build.body.blocks.filter((x) => x.type === 'hcp_packer_registry')) diags.warn(b.range, 'hcp_packer_registry: ignored (bake publishes no metadata to HCP Packer)');
    const blockName = stringArg(build.body.attributes.find((a) => a.name === 'name'), ctx, diags) ?? '';
    const description = stringArg(build.body.attributes.find((a) => a.name === 'description'), ctx, diags);
    if (description) out.descriptions.push(description);
    for (const usage of sourceUsages(build, config, ctx, diags)) {
      const buildName = `${blockName ? `${blockName}.` : ''}${usageRef(usage)}`;
      if (selected && !selected(buildName)) {
        out.skipped.push({ name: buildName, type: usage.type, missing: !loader.registry.builders.has(usage.type) });
        continue;
      }
      if (!loader.registry.builders.has(usage.type)) {
        const known = [...loader.registry.builders.keys()].sort();
        const guess = closest(usage.type, known);
        diags.error(usage.source.range, guess
          ? `unknown builder type "${usage.type}"; did you mean "${guess}"?`
          : `bake has no "${usage.type}" builder (bake's builders: ${known.join(', ')}); to build the others, run with -only naming them, e.g. -only='${known.includes('qemu') ? 'qemu' : known[0]}.*'`);
        continue;
      }
      const sourceCtx = { ...ctx, variables: { ...ctx.variables, source: { name: usage.localName, type: usage.type } } };
      chosen.push({ usage, buildIndex, build, buildName, blockName, ctx: sourceCtx });
    }
  });

  const blocks: Record<string, unknown>[] = [];
  const paths: string[] = [];
  const usedPaths = new Map<string, number>();
  const evaluated: Selected[] = [];
  for (const sel of chosen) {
    const { usage } = sel;
    const plugin = loader.registry.builders.get(usage.type)!;
    const base = `source.${usage.type}.${usage.localName}`;
    const n = usedPaths.get(base) ?? 0;
    usedPaths.set(base, n + 1);
    const path = n === 0 ? base : `${base}#${n + 1}`;
    setLabel(labels, path, `source "${usage.type}" "${usage.name}"`);
    ranges.set(path, usage.source.range);
    try {
      const config = evaluateBody(mergedBody(usage, diags), sel.ctx, plugin.schema, path, ranges);
      blocks.push({ type: usage.type, name: sel.buildName, ...config });
      paths.push(path);
      evaluated.push(sel);
    } catch (err) {
      report(err, diags);
    }
  }
  const heads = planBuilders(loader, blocks, (i) => paths[i]);
  out.heads = heads;

  const onlyExcept = new Map<Block, { only?: string[]; except?: string[] }>();
  heads.forEach((head, i) => {
    const sel = evaluated[i];
    const buildBlocks = sel.build.body.blocks;
    const refs = sourceUsages(sel.build, config, ctx, { error() {}, warn() {}, catch() {} } as unknown as Diagnostics).map(usageRef);
    // build.* is filled in when the build runs (the plugin is made again then: PlannedProvisioner.forBuild); until then the Go-template action that names it.
    const runCtx: EvalContext = {
      ...sel.ctx,
      variables: { ...sel.ctx.variables, build: { name: sel.blockName, ...Object.fromEntries(BUILD_VALUE_KEYS.map((k) => [k, `{{ build \`${k}\` }}`])) } },
    };
    const filters = (block: Block) => {
      let f = onlyExcept.get(block);
      if (!f) {
        f = readOnlyExcept(block, ctx, refs, diags);
        onlyExcept.set(block, f);
      }
      return f;
    };
    const skips = (block: Block) => {
      const f = filters(block);
      const ref = usageRef(sel.usage);
      return (f.only !== undefined && !f.only.includes(ref)) || (f.except?.includes(ref) ?? false);
    };

    const provBlocks: Record<string, unknown>[] = [];
    const provPaths: string[] = [];
    buildBlocks.forEach((block, j) => {
      if (block.type !== 'provisioner') return;
      if (block.labels.length !== 1) return diags.error(block.range, 'a provisioner block takes one label, its type: provisioner "shell" { … }');
      // As in Packer, a provisioner this source skips is not evaluated: bento's Windows ones under a Linux build.
      if (skips(block)) return;
      const path = `build[${sel.buildIndex}].provisioner[${j}]`;
      setLabel(labels, path, `provisioner "${block.labels[0]}"`);
      ranges.set(path, block.range);
      const made = provisionerBlock(block, sel, runCtx, loader, path, ranges, diags);
      if (!made) return;
      provPaths.push(path);
      provBlocks.push(made);
    });
    const cleanup = buildBlocks.filter((b) => b.type === 'error-cleanup-provisioner');
    if (cleanup.length > 1) diags.error(cleanup[1].range, 'only one error-cleanup-provisioner is allowed in a build');
    for (const block of cleanup.slice(0, 1)) {
      if (skips(block)) continue;
      const path = `build[${sel.buildIndex}].error-cleanup-provisioner`;
      setLabel(labels, path, `error-cleanup-provisioner "${block.labels[0]}"`);
      ranges.set(path, block.range);
      const made = provisionerBlock(block, sel, runCtx, loader, path, ranges, diags);
      // It runs only on failure, so it is no part of what the image is made from (the fingerprint).
      const planned = made && planProvisioners(loader, [made], [{ ...head, fingerprint: undefined }], () => path).get(head.name)?.[0];
      if (planned) out.errorCleanup.set(head.name, planned);
    }
    const planned = planProvisioners(loader, provBlocks, [head], (k) => provPaths[k]);
    out.provisioners.set(head.name, planned.get(head.name) ?? []);

    const chains: Record<string, unknown>[][] = [];
    const ppBase = `build[${sel.buildIndex}].post-processors`;
    const addChain = (members: Block[]) => {
      const i = chains.length;
      chains.push(
        members.map((block, k) => {
          const path = `${ppBase}[${i}][${k}]`;
          setLabel(labels, path, `post-processor "${block.labels[0]}"`);
          ranges.set(path, block.range);
          const type = block.labels[0];
          if (block.labels.length !== 1) {
            diags.error(block.range, 'a post-processor block takes one label, its type: post-processor "manifest" { … }');
            return { type, except: [head.name] };
          }
          if (skips(block)) return { type, except: [head.name] };
          const plugin = loader.registry.postProcessors.get(type);
          try {
            return { type, ...evaluateBody(block.body, runCtx, plugin?.schema, path, ranges, POST_PROCESSOR_COMMON) };
          } catch (err) {
            report(err, diags);
            return { type, except: [head.name] };
          }
        }),
      );
    };
    for (const block of buildBlocks) {
      if (block.type === 'post-processor') addChain([block]);
      if (block.type === 'post-processors') {
        for (const b of block.body.blocks) if (b.type !== 'post-processor') diags.error(b.range, `a post-processors block holds post-processor blocks, not "${b.type}"`);
        for (const a of block.body.attributes) diags.error(a.nameRange, 'a post-processors block holds only post-processor blocks');
        addChain(block.body.blocks.filter((b) => b.type === 'post-processor'));
      }
    }
    for (const chain of chains) for (const m of chain) out.postProcessorNames.push(...[m.name, m.type].filter((v): v is string => typeof v === 'string'));
    const pps = planPostProcessors(loader, chains, [head], ppBase);
    out.postProcessors.set(head.name, pps.get(head.name) ?? []);
  });
  out.postProcessorNames = [...new Set(out.postProcessorNames)];
  return out;
}

/** A provisioner block as the JSON reader's shape: its config, override for this source merged, common keys kept. */
function provisionerBlock(block: Block, sel: Selected, ctx: EvalContext, loader: Loader, path: string, ranges: RangeMap, diags: Diagnostics): Record<string, unknown> | undefined {
  const type = block.labels[0];
  const plugin = loader.registry.provisioners.get(type);
  try {
    const config = evaluateBody(block.body, ctx, plugin?.schema, path, ranges, PROVISIONER_COMMON);
    const common: Record<string, unknown> = { type };
    for (const name of ['pause_before', 'max_retries', 'timeout']) {
      const attr = block.body.attributes.find((a) => a.name === name);
      if (!attr) continue;
      const v = evaluate(attr.expr, ctx);
      if (v !== null) common[name] = placeholders(v);
      ranges.set(`${path}.${name}`, attr.range);
    }
    const overrideAttr = block.body.attributes.find((a) => a.name === 'override');
    let override: Record<string, unknown> = {};
    if (overrideAttr) {
      const v = evaluate(overrideAttr.expr, ctx);
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new HclError(overrideAttr.expr.range, 'override must be an object of source names to options: override = { base = { … } }');
      const mine = (v as Record<string, unknown>)[sel.usage.localName];
      if (mine !== undefined && mine !== null) {
        if (typeof mine !== 'object' || Array.isArray(mine)) throw new HclError(overrideAttr.expr.range, `override.${sel.usage.localName} must be an object of options`);
        override = placeholders(mine) as Record<string, unknown>;
        for (const k of Object.keys(override)) ranges.set(`${path}.${k}`, overrideAttr.range);
      }
    }
    return { ...common, ...config, ...override };
  } catch (err) {
    report(err, diags);
    return undefined;
  }
}

/**
 * A block's only/except: lists of "type.name" sources. As in Packer, an entry that names no
 * source of the build matches nothing; bake also warns, naming what it could have meant
 * (tylert's `only = ["qemu", "vbox"]`, packer#10555).
 */
function readOnlyExcept(block: Block, ctx: EvalContext, refs: string[], diags: Diagnostics): { only?: string[]; except?: string[] } {
  const out: { only?: string[]; except?: string[] } = {};
  for (const key of ['only', 'except'] as const) {
    const attr = block.body.attributes.find((a) => a.name === key);
    if (!attr) continue;
    try {
      const v = evaluate(attr.expr, ctx);
      if (v === null) continue;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new HclError(attr.expr.range, `${key} must be a list of source names like "qemu.base"`);
      out[key] = v as string[];
      const strays = (v as string[]).filter((entry) => !refs.includes(entry));
      if (strays.length === 0) continue;
      // One warning per block, naming every stray entry and what each could have meant.
      const guesses = strays.flatMap((entry) => {
        const near = refs.filter((r) => r.startsWith(`${entry}.`) || r.split('.')[1] === entry);
        const typo = closest(entry, refs);
        return near.length > 0 ? near : typo ? [typo] : [];
      });
      const guess = guesses.length > 0 ? `; did you mean ${[...new Set(guesses)].map((r) => `"${r}"`).join(' or ')}?` : '';
      const what = strays.length === 1 ? `${key} entry "${strays[0]}" matches` : `${key} entries ${strays.map((e) => `"${e}"`).join(', ')} match`;
      const effect = strays.length === 1 ? 'so it' : 'so they';
      diags.warn(attr.range, `${block.type} "${block.labels[0]}": ${what} no source of this build (sources: ${refs.join(', ')}), ${effect} ${key === 'only' ? 'select' : 'exclude'}${strays.length === 1 ? 's' : ''} nothing${guess}`);
    } catch (err) {
      diags.catch(err);
    }
  }
  return out;
}

function stringArg(attr: Attribute | undefined, ctx: EvalContext, diags: Diagnostics): string | undefined {
  if (!attr) return undefined;
  try {
    const v = evaluate(attr.expr, ctx);
    if (v === null) return undefined;
    if (typeof v !== 'string') throw new HclError(attr.expr.range, `${attr.name} must be a string`);
    return v;
  } catch (err) {
    diags.catch(err);
    return undefined;
  }
}

function report(err: unknown, diags: Diagnostics): void {
  if (err instanceof BodyErrors) err.errors.forEach((e) => diags.catch(e));
  else diags.catch(err);
}
