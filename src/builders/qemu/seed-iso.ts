import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runTool } from '../../local-image/index.js';

export interface SeedContent {
  username: string;
  /** authorized_keys line to install for the user. */
  publicKey?: string;
  password?: string;
  hostname: string;
  instanceId: string;
  /** The guest's SSH host key, handed to cloud-init's ssh module (which then deletes and makes no other). */
  hostKey?: { privateKey: string; publicKey: string };
}

/** cloud-init user-data that creates the SSH user with passwordless sudo and the build's key or password. */
export function defaultUserData(seed: SeedContent): string {
  const user = [
    `  - name: ${JSON.stringify(seed.username)}`,
    '    sudo: "ALL=(ALL) NOPASSWD:ALL"',
    '    shell: /bin/bash',
    seed.password === undefined ? '    lock_passwd: true' : `    lock_passwd: false\n    plain_text_passwd: ${JSON.stringify(seed.password)}`,
    ...(seed.publicKey ? ['    ssh_authorized_keys:', `      - ${JSON.stringify(seed.publicKey)}`] : []),
  ];
  const hostKey = seed.hostKey
    ? ['ssh_deletekeys: true', 'ssh_keys:', `  ed25519_private: ${JSON.stringify(seed.hostKey.privateKey)}`, `  ed25519_public: ${JSON.stringify(seed.hostKey.publicKey)}`]
    : [];
  return ['#cloud-config', 'users:', ...user, ...(seed.password === undefined ? [] : ['ssh_pwauth: true']), ...hostKey, ''].join('\n');
}

export function defaultMetaData(seed: SeedContent): string {
  return `instance-id: ${seed.instanceId}\nlocal-hostname: ${seed.hostname}\n`;
}

/**
 * Writes an ISO 9660 image (Joliet + Rock Ridge, as cloud-init's NoCloud expects) holding `files`
 * (name → content) and copies of `extraPaths`, with genisoimage or else xorriso.
 */
export async function makeIso(path: string, label: string, files: Record<string, string>, extraPaths: string[], signal?: AbortSignal): Promise<void> {
  const dir = `${path}.d`;
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
  for (const p of extraPaths) cpSync(p, join(dir, basename(p)), { recursive: true });
  const args = ['-output', path, '-volid', label, '-joliet', '-rock', '-quiet', dir];
  try {
    await runTool('genisoimage', args, { signal });
  } catch (err) {
    if (!(err instanceof Error) || !/not found/.test(err.message)) throw err;
    await runTool('xorriso', ['-as', 'mkisofs', ...args], { signal });
  }
}
