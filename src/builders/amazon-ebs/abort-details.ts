import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildContext } from '../../core/context.js';
import { defaultCacheDir } from '../../core/journal.js';

export interface Connection {
  instanceId: string;
  host: string;
  port: number;
  username: string;
  keyName?: string;
  /** The temporary key, written to a 0600 file so the printed command works. */
  privateKey?: string;
  privateKeyFile?: string;
}

/**
 * -on-error=abort keeps the instance for inspection: print how to get in, ready to paste (the
 * pipeline then prints the `bake cleanup` command that removes it all).
 */
export function printAbortDetails(ctx: BuildContext, c: Connection): void {
  let keyFile = c.privateKeyFile;
  if (!keyFile && c.privateKey) {
    const dir = join(defaultCacheDir(), 'keys');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    keyFile = join(dir, `${c.keyName ?? ctx.buildId}.pem`);
    writeFileSync(keyFile, c.privateKey, { mode: 0o600 });
  }
  const port = c.port === 22 ? '' : ` -p ${c.port}`;
  ctx.log.say(`-on-error=abort: instance ${c.instanceId} is kept for inspection. Connect with:`);
  ctx.log.say(`  ssh${keyFile ? ` -i ${keyFile}` : ''}${port} ${c.username}@${c.host}`);
}
