import type { PlannedPostProcessor } from '../plan.js';
import type { BuildHead } from './builders.js';
import { checkBuildNames, checkCommon, splitBlock, unknownType } from './common-keys.js';
import { postProcessorCommonProperties } from './envelope-schema.js';
import { interpolateConfig } from './interpolate-config.js';
import { appliesTo, buildRenderContext, type Loader } from './loader.js';
import { createPlugin } from './plugin-config.js';
import { stripComments } from './read-json.js';

interface Member {
  path: string;
  type: string;
  common: { only?: string[]; except?: string[]; keep_input_artifact: boolean };
  /** False when the common keys are invalid: the plugin's keys are still checked, nothing is planned. */
  valid: boolean;
  rest: Record<string, unknown>;
}

/** A flat entry is a chain of one; a nested list is a chain; a string is a post-processor with only a type. */
function chainsOf(entries: unknown[]): { path: string; block: Record<string, unknown> }[][] {
  const asBlock = (entry: unknown) =>
    (typeof entry === 'string' ? { type: entry } : stripComments(entry, true)) as Record<string, unknown>;
  return entries.map((entry, i) =>
    Array.isArray(entry)
      ? entry.map((e, k) => ({ path: `post-processors[${i}][${k}]`, block: asBlock(e) }))
      : [{ path: `post-processors[${i}]`, block: asBlock(entry) }],
  );
}

/** Each build's post-processor chains: members filtered by only/except, empty chains dropped. */
export function planPostProcessors(loader: Loader, entries: unknown[], builds: BuildHead[]): Map<string, PlannedPostProcessor[][]> {
  const names = builds.map((b) => b.name);
  const chains: Member[][] = chainsOf(entries).map((chain) =>
    chain.flatMap(({ path, block }) => {
      const type = block.type as string;
      if (!loader.registry.postProcessors.has(type)) {
        unknownType(loader, 'post-processor', type, path, loader.registry.postProcessors.keys());
        return [];
      }
      const [commonRaw, rest] = splitBlock(block, postProcessorCommonProperties);
      const checked = checkCommon(loader, postProcessorCommonProperties, commonRaw, path) as Member['common'] | undefined;
      const common = checked ?? { keep_input_artifact: false };
      checkBuildNames(loader, common.only, (i) => `${path}.only[${i}]`, names);
      checkBuildNames(loader, common.except, (i) => `${path}.except[${i}]`, names);
      return [{ path, type, common, rest, valid: checked !== undefined }];
    }),
  );
  const byBuild = new Map<string, PlannedPostProcessor[][]>();
  for (const build of builds.filter((b) => !b.skipped)) {
    const planned = chains
      .map((chain) => chain.filter((m) => appliesTo(build.name, m.common.only, m.common.except)).flatMap((m) => plan(loader, m, build)))
      .filter((chain) => chain.length > 0);
    byBuild.set(build.name, planned);
  }
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
  return instance && member.valid ? [{ type: member.type, path: member.path, instance, keepInputArtifact: member.common.keep_input_artifact }] : [];
}
