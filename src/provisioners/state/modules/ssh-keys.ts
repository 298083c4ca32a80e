import { shq } from '../shell.js';
import type { Facts, Remote } from '../types.js';

/** Prints `keys=<base64 of ~user/.ssh/authorized_keys>` (empty when missing). */
export function authorizedKeysProbe(user: string): string {
  return `h=$(getent passwd ${shq(user)} | cut -d: -f6); if [ -n "$h" ] && [ -f "$h/.ssh/authorized_keys" ]; then echo "keys=$(base64 < "$h/.ssh/authorized_keys" | tr -d '\\n')"; fi`;
}

const body = (key: string) => key.trim().split(/\s+/).slice(0, 2).join(' ');

function currentKeys(facts: Facts): string[] {
  return Buffer.from(facts.keys ?? '', 'base64').toString('utf8').split('\n').filter((l) => l.trim() !== '');
}

/** Keys not yet authorized, compared by type and key material (comments may differ). */
export function missingKeys(wanted: string[] | undefined, facts: Facts): string[] {
  if (!wanted) return [];
  const have = new Set(currentKeys(facts).map(body));
  return wanted.filter((k) => !have.has(body(k)));
}

export async function installKeys(remote: Remote, user: string, wanted: string[], facts: Facts): Promise<void> {
  const lines = [...currentKeys(facts), ...missingKeys(wanted, facts).map((k) => k.trim())];
  const tmp = await remote.upload(`${lines.join('\n')}\n`);
  const u = shq(user);
  const script = [
    'set -e',
    `h=$(getent passwd ${u} | cut -d: -f6); g=$(id -g ${u})`,
    'mkdir -p "$h/.ssh"',
    `mv -f ${shq(tmp)} "$h/.ssh/authorized_keys"`,
    `chown ${u}:"$g" "$h/.ssh" "$h/.ssh/authorized_keys"`,
    'chmod 700 "$h/.ssh"; chmod 600 "$h/.ssh/authorized_keys"',
  ].join('\n');
  await remote.must(script, `installing ssh keys of ${user}`);
}
