import { render } from '../../template/index.js';
import type { AmiBuildConfig } from './resolved.js';

/** Renders the {{ .SourceAMI }}-style values the template layer left for the builder. */
export function renderValue(cfg: AmiBuildConfig, key: string, text: string, data: Record<string, unknown>): string {
  return render(text, { data, where: `${cfg.where}.${key}` });
}

export function renderTags(cfg: AmiBuildConfig, key: string, tags: Record<string, string>, data: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[renderValue(cfg, `${key}.${k}`, k, data)] = renderValue(cfg, `${key}.${k}`, v, data);
  return out;
}
