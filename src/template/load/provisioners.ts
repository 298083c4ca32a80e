import { parseDuration } from '../../core/wait.js';
import type { PlannedProvisioner } from '../plan.js';
import type { BuildHead } from './builders.js';
import { checkBuildNames, checkCommon, splitBlock, unknownType } from './common-keys.js';
import { provisionerCommonProperties } from './envelope-schema.js';
import { interpolateConfig } from './interpolate-config.js';
import { appliesTo, buildRenderContext, type Loader } from './loader.js';
import { createPlugin } from './plugin-config.js';
import { stableConfig } from './fingerprint-source.js';
import { withBuildValues } from './with-build-values.js';

interface Common {
  only?: string[];
  except?: string[];
  pause_before?: string;
  max_retries: number;
  timeout?: string;
  override?: Record<string, Record<string, unknown>>;
}

/** Each build's provisioners, in template order: filtered by only/except, `override` merged. */
export function planProvisioners(
  loader: Loader,
  blocks: Record<string, unknown>[],
  builds: BuildHead[],
  pathOf: (j: number) => string = (j) => `provisioners[${j}]`,
): Map<string, PlannedProvisioner[]> {
  const byBuild = new Map(builds.map((b) => [b.name, [] as PlannedProvisioner[]]));
  const names = builds.map((b) => b.name);
  blocks.forEach((block, j) => {
    const path = pathOf(j);
    const type = block.type as string;
    const plugin = loader.registry.provisioners.get(type);
    if (!plugin) return unknownType(loader, 'provisioner', type, path, loader.registry.provisioners.keys());
    const [commonRaw, rest] = splitBlock(block, provisionerCommonProperties);
    const checked = checkCommon(loader, provisionerCommonProperties, commonRaw, path) as Common | undefined;
    // With bad common keys the plugin's own keys are still checked, so every error shows at once.
    const common: Common = checked ?? { max_retries: 0 };
    checkBuildNames(loader, common.only, (i) => `${path}.only[${i}]`, names);
    checkBuildNames(loader, common.except, (i) => `${path}.except[${i}]`, names);
    const overridden = Object.keys(common.override ?? {});
    checkBuildNames(loader, overridden, (i) => `${path}.override.${overridden[i]}`, names);
    for (const build of builds) {
      if (build.skipped || !appliesTo(build.name, common.only, common.except)) continue;
      const merged = { ...rest, ...common.override?.[build.name] };
      const where = { file: loader.file, path, errors: loader.findings.errors };
      const { config, ok, unset } = interpolateConfig(merged, buildRenderContext(loader, build), where, plugin.deferred);
      if (!ok) continue;
      const env = { file: loader.file, path, templateDir: loader.templateDir };
      const instance = createPlugin(plugin, config, env, Object.keys(provisionerCommonProperties), loader.findings, unset);
      if (!instance || !checked) continue;
      build.fingerprint?.template.provisioners.push(stableConfig(loader, type, merged, build, plugin.deferred));
      build.fingerprint?.provisioners.push({ type, ...config });
      const forBuild = withBuildValues(loader, plugin, merged, build, env, Object.keys(provisionerCommonProperties));
      byBuild.get(build.name)?.push({
        type,
        path,
        instance,
        ...(forBuild ? { forBuild } : {}),
        pauseBeforeMs: common.pause_before ? (parseDuration(common.pause_before) ?? 0) : 0,
        maxRetries: common.max_retries,
        timeoutMs: common.timeout ? (parseDuration(common.timeout) ?? 0) : 0,
      });
    }
  });
  return byBuild;
}
