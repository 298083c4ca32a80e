import { usesBuildValues } from '../../core/build-values.js';
import { BakeError } from '../../core/errors.js';
import type { Plugin, PluginEnv } from '../../plugins/types.js';
import { interpolateConfig } from './interpolate-config.js';
import { buildRenderContext, type Loader } from './loader.js';
import { createPlugin, type Findings } from './plugin-config.js';
import type { BuildHead } from './builders.js';

/**
 * For a provisioner or post-processor block that uses {{ build `X` }} (HCL2's build.X becomes
 * that action), the function that makes it again once the build has run up to it, with the build's
 * real values, as Packer prepares such plugins again at run time. The block was already checked
 * with the actions kept, so only a value's own problem (a port that is no number) can fail here.
 */
export function withBuildValues<P extends Plugin>(
  loader: Loader,
  plugin: P,
  block: Record<string, unknown>,
  build: BuildHead,
  env: PluginEnv,
  commonKeys: string[],
): ((values: Record<string, string>) => ReturnType<P['create']>) | undefined {
  if (!usesBuildValues(block)) return undefined;
  const ctx = buildRenderContext(loader, build);
  return (values) => {
    const findings: Findings = { errors: [], warnings: [], sensitiveValues: [] };
    const { config } = interpolateConfig(block, { ...ctx, data: values }, { file: env.file, path: env.path, errors: findings.errors }, plugin.deferred);
    const instance = findings.errors.length ? undefined : createPlugin(plugin, config, env, commonKeys, findings);
    if (!instance) throw new BakeError(findings.errors.join('\n') || `${env.file}: ${env.path}: cannot be prepared with the build's values`);
    return instance;
  };
}
