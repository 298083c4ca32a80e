import { shq } from '../shell.js';
import type { Changes, Facts } from '../types.js';

/** Ownership and permission arguments shared by the file functions. */
export interface Attrs {
  mode?: string;
  user?: string;
  group?: string;
}

export const attrsSchema = {
  mode: { type: 'string', pattern: '^0?[0-7]{3,4}$', description: 'Permissions in octal, e.g. "0644". Default: left as is (new files: 0644, new directories: 0755).' },
  user: { type: 'string', description: 'Owner (name or numeric id). Default: left as is (new: the user bake runs as on the guest, root with sudo).' },
  group: { type: 'string', description: 'Group (name or numeric id). Default: left as is.' },
} as const;

/**
 * `stat=<octal mode>:<user>:<group>:<uid>:<gid>:<size>:<type>` of a path, empty when it does not
 * exist; also leaves the size in $sz for the snippet's next lines.
 */
export function statProbe(path: string, key = 'stat'): string {
  return `st=$(stat -c '%a:%U:%G:%u:%g:%s:%F' ${shq(path)} 2>/dev/null); echo "${key}=$st"; r=\${st#*:*:*:*:*:}; sz=\${r%%:*}`;
}

export interface Stat {
  mode: string;
  user: string;
  group: string;
  uid: string;
  gid: string;
  size: number;
  type: string;
}

export function parseStat(facts: Facts, key = 'stat'): Stat | undefined {
  const v = facts[key];
  if (!v) return undefined;
  const [mode, user, group, uid, gid, size, ...type] = v.split(':');
  return { mode, user, group, uid, gid, size: Number(size), type: type.join(':') };
}

export const normMode = (m: string) => m.replace(/^0+(?=\d{3})/, '').padStart(3, '0');

/** The owner/mode changes needed on an existing path. */
export function attrChanges(want: Attrs, have: Stat): Changes {
  const out: Changes = {};
  if (want.mode !== undefined && normMode(want.mode) !== normMode(have.mode)) out.mode = { old: `0${normMode(have.mode)}`, new: `0${normMode(want.mode)}` };
  if (want.user !== undefined && want.user !== have.user && want.user !== have.uid) out.user = { old: have.user, new: want.user };
  if (want.group !== undefined && want.group !== have.group && want.group !== have.gid) out.group = { old: have.group, new: want.group };
  return out;
}

/** Shell lines setting owner and mode on `path` (the given ones only). */
export function attrScript(want: Attrs, path: string, fallbackMode?: string): string {
  const lines: string[] = [];
  if (want.user !== undefined || want.group !== undefined) {
    lines.push(`chown ${shq(`${want.user ?? ''}${want.group !== undefined ? `:${want.group}` : ''}`)} ${shq(path)}`);
  }
  const mode = want.mode ?? fallbackMode;
  if (mode !== undefined) lines.push(`chmod ${shq(mode)} ${shq(path)}`);
  return lines.join('\n');
}

export function parentOf(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
