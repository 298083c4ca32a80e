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
  /**
   * The guest's SSH host key. It goes on the CD beside the seed (HOST_KEY_FILE), not into
   * user-data: cloud-init keeps every user-data it reads under /var/lib/cloud (and rewrites its
   * pickled copy several times per boot, leaving old copies in free blocks), so a key in user-data
   * would end up in the image. A bootcmd copies it from the CD before cloud-init's ssh module runs.
   */
  hostKey?: { privateKey: string; publicKey: string };
  /** The CD's volume label, for the bootcmd to find it. */
  cdLabel?: string;
}

export const HOST_KEY_FILE = 'bake-host-key';

/** cloud-init user-data that creates the SSH user with passwordless sudo and the build's key or password. */
export function defaultUserData(seed: SeedContent): string {
  const user = [
    `  - name: ${JSON.stringify(seed.username)}`,
    '    sudo: "ALL=(ALL) NOPASSWD:ALL"',
    '    shell: /bin/bash',
    seed.password === undefined ? '    lock_passwd: true' : `    lock_passwd: false\n    plain_text_passwd: ${JSON.stringify(seed.password)}`,
    ...(seed.publicKey ? ['    ssh_authorized_keys:', `      - ${JSON.stringify(seed.publicKey)}`] : []),
  ];
  const copyKey = [
    'set -e',
    `d=$(mktemp -d); mount -o ro "$(blkid -L ${seed.cdLabel ?? 'cidata'})" "$d"`,
    `install -m 600 "$d/${HOST_KEY_FILE}" /etc/ssh/ssh_host_ed25519_key`,
    `install -m 644 "$d/${HOST_KEY_FILE}.pub" /etc/ssh/ssh_host_ed25519_key.pub`,
    'umount "$d"; rmdir "$d"',
  ].join('; ');
  // Other host keys are neither kept nor made, so the guest has the one key bake pins.
  const hostKey = seed.hostKey
    ? ['bootcmd:', `  - [sh, -c, ${JSON.stringify(`rm -f /etc/ssh/ssh_host_*; ${copyKey}`)}]`, 'ssh_deletekeys: false', 'ssh_genkeytypes: []']
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
