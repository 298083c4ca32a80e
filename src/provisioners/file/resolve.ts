import { existsSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import type { PluginEnv } from '../../plugins/types.js';
import type { FileConfig } from './schema.js';

export interface ResolvedFile {
  where: string;
  direction: 'upload' | 'download';
  /** Each with its JSON path (`source`, `sources[1]`) for messages. */
  sources: { key: string; path: string }[];
  content?: string;
  destination: string;
  generated: boolean;
}

export function resolveFile(config: FileConfig, env: PluginEnv): ResolvedFile {
  const where = `${env.file}: ${env.path}`;
  const given = (['source', 'sources', 'content'] as const).filter((k) => config[k] !== undefined);
  if (given.length !== 1) {
    const got = given.length > 1 ? ` (got ${given.map((g) => `"${g}"`).join(' and ')})` : '';
    throw new UsageError(`${where}: needs ${given.length ? 'only one' : 'one'} of "source", "sources" or "content"${got}`);
  }
  const direction = config.direction ?? 'upload';
  if (config.content !== undefined && direction === 'download') {
    throw new UsageError(`${where}.content: cannot be used with "direction": "download"`);
  }
  const sources = config.source !== undefined ? [{ key: 'source', path: config.source }] : (config.sources ?? []).map((path, i) => ({ key: `sources[${i}]`, path }));
  if (config.sources !== undefined && config.sources.length === 0) throw new UsageError(`${where}.sources: must list at least one path`);
  if (sources.length > 1 && !config.destination.endsWith('/')) {
    throw new UsageError(`${where}.destination: must end with "/" when several sources are copied (got "${config.destination}")`);
  }
  const generated = config.generated ?? false;
  if (direction === 'upload' && !generated) {
    for (const s of sources) {
      if (!existsSync(s.path)) {
        throw new UsageError(`${where}.${s.key}: "${s.path}" does not exist (relative to the working directory ${process.cwd()}; set "generated": true if the build creates it)`);
      }
    }
  }
  return { where, direction, sources, ...(config.content !== undefined ? { content: config.content } : {}), destination: config.destination, generated };
}
