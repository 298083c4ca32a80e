import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { BakeError } from '../core/errors.js';
import type { GroupChange } from './types.js';

export interface RolloutRecord {
  build: string;
  time: string;
  images: Record<string, string>;
  rollout: GroupChange[];
}

/** Appends one rollout to a JSON file (an array, newest last) that `bake rollback --manifest FILE` reads. */
export function appendRecord(path: string, record: RolloutRecord): void {
  let list: RolloutRecord[] = [];
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!Array.isArray(parsed)) throw new BakeError(`${path}: not a rollout record file (expected a JSON array)`);
    list = parsed as RolloutRecord[];
  } catch (err) {
    if (err instanceof BakeError) throw err;
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new BakeError(`${path}: cannot read the rollout records: ${(err as Error).message}`);
  }
  list.push(record);
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed, so a crash never leaves half a file where the rollback history was.
  writeFileSync(`${path}.tmp`, JSON.stringify(list, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
}
