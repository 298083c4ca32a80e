import { existsSync, writeFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { shellQuote as q } from './shell-env.js';
import type { SshOptions } from './ssh-options.js';

/**
 * Writes a private key where a person can use it (0600, as ssh insists on). Any earlier file of
 * that name is replaced: `wx` would fail on the key of an earlier run.
 */
export function writePrivateKey(path: string, privateKey: string): void {
  writeFileSync(path, privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`, { mode: 0o600 });
}

/** A key file named in the template, as an absolute path (read like connectSsh reads it: cwd first, then the template's directory). */
function keyFilePath(o: Pick<SshOptions, 'privateKeyFile' | 'source'>): string | undefined {
  const f = o.privateKeyFile;
  if (!f) return undefined;
  if (isAbsolute(f) || existsSync(f)) return resolve(f);
  return resolve(o.source.templateDir, f);
}

/**
 * The `ssh` command that reaches the machine a build connected to, ready to paste: its key file
 * (`keyFile`, where a temporary key was written, else the template's), port, user, and bastion as
 * ProxyJump. `throwaway`: a guest on a forwarded loopback port, whose host key changes from build
 * to build, so known_hosts is neither read nor written.
 */
export function sshCommandLine(o: Pick<SshOptions, 'host' | 'port' | 'username' | 'privateKeyFile' | 'source' | 'bastion'>, keyFile?: string, throwaway = false): string {
  const key = keyFile ?? keyFilePath(o);
  const parts = ['ssh'];
  if (key) parts.push('-i', q(key));
  if (throwaway) parts.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
  if (o.bastion) parts.push('-J', `${o.bastion.username}@${o.bastion.host}${o.bastion.port === 22 ? '' : `:${o.bastion.port}`}`);
  if (o.port !== 22) parts.push('-p', String(o.port));
  parts.push(`${o.username}@${o.host}`);
  return parts.join(' ');
}
