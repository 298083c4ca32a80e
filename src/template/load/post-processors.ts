import type { PlannedPostProcessor } from '../plan.js';
import type { BuildHead } from './builders.js';
import { checkBuildNames, checkCommon, splitBlock } from './common-keys.js';
import { postProcessorCommonProperties } from './envelope-schema.js';
import { interpolateConfig } from './interpolate-config.js';
import { appliesTo, buildRenderContext, type Loader } from './loader.js';
import { missingPostProcessors, type Unknown } from './missing-post-processors.js';
import { createPlugin } from './plugin-config.js';
import { withBuildValues } from './with-build-values.js';
import { stripComments } from './read-json.js';

interface Member {
  path: string;
  type: string;
  /** `name`, default the type: what -except matches, besides the type. */
  name: string;
  /** The -except glob that names it, if one does. */
  excepted?: string;
  common: { only?: string[]; except?: string[]; keep_input_artifact: boolean };
  /** False when the common keys are invalid: the plugin's keys are still checked, nothing is planned. */
  valid: boolean;
  rest: Record<string, unknown>;
}

/** A flat entry is a chain of one; a nested list is a chain; a string is a post-processor with only a type. */
function chainsOf(entries: unknown[], base = 'post-processors'): { path: string; block: Record<string, unknown> }[][] {
  const asBlock = (entry: unknown) =>
    (typeof entry === 'string' ? { type: entry } : stripComments(entry, true)) as Record<string, unknown>;
  return entries.map((entry, i) =>
    Array.isArray(entry)
      ? entry.map((e, k) => ({ path: `${base}[${i}][${k}]`, block: asBlock(e) }))
      : [{ path: `${base}[${i}]`, block: asBlock(entry) }],
  );
}

/** Every post-processor's name and type: what -except may name besides builds. */
export function postProcessorNames(entries: unknown[]): string[] {
  const names = chainsOf(entries).flat().flatMap(({ block }) => [block.name, block.type].filter((v): v is string => typeof v === 'string'));
  return [...new Set(names)];
}

/**
 * Each build's post-processor chains: members filtered by their only/except, empty chains dropped.
 * As in Packer 1.6, -except naming a post-processor (by name; bake also takes its type) skips it
 * and the rest of its chain, since those would get an artifact they were not written for. A type
 * bake does not have is an error only where it would run for a build this run selects.
 */
export function planPostProcessors(loader: Loader, entries: unknown[], builds: BuildHead[], base = 'post-processors'): Map<string, PlannedPostProcessor[][]> {
  const names = builds.map((b) => b.name);
  const unknown = new Map<Member, Unknown>();
  const chains: Member[][] = chainsOf(entries, base).map((chain) =>
    chain.map(({ path, block }) => {
      const type = block.type as string;
      const [commonRaw, rest] = splitBlock(block, postProcessorCommonProperties);
      const checked = checkCommon(loader, postProcessorCommonProperties, commonRaw, path) as Member['common'] | undefined;
      const common = checked ?? { keep_input_artifact: false };
      checkBuildNames(loader, common.only, (i) => `${path}.only[${i}]`, names);
      checkBuildNames(loader, common.except, (i) => `${path}.except[${i}]`, names);
      // As written, as Packer compares it: a name rendered from a sensitive variable must not reach a message.
      const name = typeof block.name === 'string' ? block.name : type;
      const excepted = loader.exceptPostProcessor?.(name, type);
      const member: Member = { path, type, name, excepted, common, rest, valid: checked !== undefined };
      if (!loader.registry.postProcessors.has(type)) unknown.set(member, { path, type, name, excepted, runs: false });
      return member;
    }),
  );
  const byBuild = new Map<string, PlannedPostProcessor[][]>();
  for (const build of builds.filter((b) => !b.skipped)) {
    const selected = !loader.selected || loader.selected(build.name);
    const planned = chains
      .map((chain) => {
        const members: Member[] = [];
        for (const [k, m] of chain.entries()) {
          if (!appliesTo(build.name, m.common.only, m.common.except)) continue;
          if (m.excepted !== undefined) {
            for (const later of chain.slice(k + 1)) {
              const u = unknown.get(later);
              if (u) u.after ??= m.name;
            }
            break;
          }
          const u = unknown.get(m);
          if (u) u.runs ||= selected;
          else members.push(m);
        }
        return members.flatMap((m) => plan(loader, m, build));
      })
      .filter((chain) => chain.length > 0);
    byBuild.set(build.name, planned);
  }
  missingPostProcessors(loader, [...unknown.values()]);
  return byBuild;
}

function plan(loader: Loader, member: Member, build: BuildHead): PlannedPostProcessor[] {
  const plugin = loader.registry.postProcessors.get(member.type);
  if (!plugin) return [];
  const where = { file: loader.file, path: member.path, errors: loader.findings.errors };
  const { config, ok, unset } = interpolateConfig(member.rest, buildRenderContext(loader, build), where, plugin.deferred);
  if (!ok) return [];
  const env = { file: loader.file, path: member.path, templateDir: loader.templateDir };
  const instance = createPlugin(plugin, config, env, Object.keys(postProcessorCommonProperties), loader.findings, unset);
  if (!instance || !member.valid) return [];
  const forBuild = withBuildValues(loader, plugin, member.rest, build, env, Object.keys(postProcessorCommonProperties));
  return [{ type: member.type, path: member.path, instance, ...(forBuild ? { forBuild } : {}), keepInputArtifact: member.common.keep_input_artifact }];
}
