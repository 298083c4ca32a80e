import { UsageError } from '../../core/errors.js';
import { render, UnsetVariable, type RenderContext } from '../interpolate/index.js';
import { jsonPath } from './format-errors.js';

/**
 * Renders every string inside a plugin block (keys stay as written). Top-level keys listed in
 * `deferred` are left untouched: the plugin renders them later with its own data. Template
 * errors are added to `errors` (all of them, not just the first) and the string is kept as is.
 * `unset` lists the JSON pointers of values that use a variable left without a value.
 */
export function interpolateConfig(
  config: Record<string, unknown>,
  ctx: RenderContext,
  where: { file: string; path: string; errors: string[] },
  deferred: readonly string[] = [],
): { config: Record<string, unknown>; ok: boolean; unset: string[] } {
  let ok = true;
  const unset: string[] = [];
  const walk = (value: unknown, segments: (string | number)[]): unknown => {
    if (typeof value === 'string') {
      try {
        return render(value, { ...ctx, where: `${where.file}: ${jsonPath(where.path, segments)}` });
      } catch (err) {
        if (err instanceof UnsetVariable) {
          unset.push(segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join(''));
          return value;
        }
        if (!(err instanceof UsageError)) throw err;
        ok = false;
        if (!where.errors.includes(err.message)) where.errors.push(err.message);
        return value;
      }
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...segments, i]));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...segments, k])]));
    }
    return value;
  };
  const out = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, deferred.includes(k) ? v : walk(v, [k])]));
  return { config: out, ok, unset };
}
