import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BuildContext } from '../core/context.js';
import { writePrivateKey } from './ssh-command-line.js';

/**
 * A cloud build kept for inspection (-on-error=abort, or "abort" at -on-error=ask): its temporary
 * private key lives only in bake's memory, so it is written where the printed `ssh -i` finds it
 * (0600; a cloud build has no work directory, so beside the journal: ~/.cache/bake/keys by
 * default) and journaled, so the printed `bake cleanup --build-id` removes it with the instance.
 */
export function writeKeptKey(ctx: Pick<BuildContext, 'buildId' | 'journal'>, privateKey: string): string {
  const dir = join(dirname(ctx.journal.path), 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${ctx.buildId}.pem`);
  ctx.journal.created({ type: 'local:path', id: path });
  writePrivateKey(path, privateKey);
  return path;
}
