import type { BuildFingerprintSource } from '../plan.js';
import { interpolateConfig } from './interpolate-config.js';
import { buildRenderContext, type Loader } from './loader.js';

/**
 * A plugin block rendered for `build --skip-unchanged`'s fingerprint: the same render as the
 * build's, but with run-to-run values held constant. Errors are ignored here: the build's own
 * render of the same block already reported them.
 */
export function stableConfig(
  loader: Loader,
  type: string,
  block: Record<string, unknown>,
  build: { name: string; type: string },
  deferred?: readonly string[],
): Record<string, unknown> {
  const ctx = { ...buildRenderContext(loader, build), userVars: loader.stableVars ?? loader.userVars, stable: true };
  return { type, ...interpolateConfig(block, ctx, { file: loader.file, path: '', errors: [] }, deferred).config };
}

/** The fingerprint's template part with sensitive values replaced, so no secret is hashed into a tag. */
export function withoutSecrets(source: BuildFingerprintSource, secrets: string[]): BuildFingerprintSource {
  const sorted = secrets.filter((s) => s.length >= 2).sort((a, b) => b.length - a.length);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return sorted.reduce((out, s) => out.split(s).join('<sensitive>'), value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return { ...source, template: walk(source.template) as BuildFingerprintSource['template'] };
}
