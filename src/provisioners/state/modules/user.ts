import { createHash } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import { fact, flag, shq } from '../shell.js';
import type { Changes, Facts, StateFunction } from '../types.js';
import { authorizedKeysProbe, installKeys, missingKeys } from './ssh-keys.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'The login name. Default: the state id.' },
    uid: { type: 'integer', minimum: 0, description: 'Numeric user id. Default: chosen by useradd.' },
    gid: { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string' }], description: 'Primary group (name or id). Default: useradd\'s (a group named like the user).' },
    groups: { type: 'array', items: { type: 'string' }, description: 'Supplementary groups; they must exist.' },
    remove_groups: { type: 'boolean', default: true, description: 'Remove the user from supplementary groups not in `groups` (when `groups` is given).' },
    shell: { type: 'string', description: 'Login shell. Default: useradd\'s.' },
    home: { type: 'string', description: 'Home directory. Default: useradd\'s (/home/<name>).' },
    createhome: { type: 'boolean', default: true, description: 'Create the home directory of a new user.' },
    system: { type: 'boolean', default: false, description: 'Create a system account (new users only).' },
    fullname: { type: 'string', description: 'The GECOS full name.' },
    password: { type: 'string', description: 'The password HASH (as in /etc/shadow); sent by upload, never shown.' },
    ssh_authorized_keys: { type: 'array', items: { type: 'string' }, description: 'Public keys that must be in ~/.ssh/authorized_keys (others are kept). A bake extension of Salt\'s user.present.' },
  },
} as const;

type Args = FromSchema<typeof schema>;

interface Passwd {
  uid: string;
  gid: string;
  gecos: string;
  home: string;
  shell: string;
}

function passwd(facts: Facts): Passwd | undefined {
  if (!facts.passwd) return undefined;
  const [, , uid, gid, gecos, home, shell] = facts.passwd.split(':');
  return { uid, gid, gecos, home, shell };
}

export const userPresent: StateFunction<Args> = {
  name: 'user.present',
  schema,
  probe(args) {
    const n = shq(args.name);
    // `id -Gn` lists the primary group first.
    const lines = [fact('passwd', `getent passwd ${n}`), fact('groups', `id -Gn ${n}`)];
    if (args.gid !== undefined) lines.push(fact('wantgid', `getent group ${shq(String(args.gid))} | cut -d: -f3`));
    // Compared by digest, so the hash itself never appears on a command line.
    if (args.password !== undefined) {
      const digest = createHash('sha256').update(`${args.password}\n`).digest('hex');
      lines.push(flag('pwok', `[ "$(getent shadow ${n} | cut -d: -f2 | sha256sum | cut -c1-64)" = ${digest} ]`));
    }
    if (args.ssh_authorized_keys) lines.push(authorizedKeysProbe(args.name));
    return lines.join('\n');
  },
  check(args, facts) {
    const pw = passwd(facts);
    const [primary, ...supplementary] = (facts.groups ?? '').split(' ').filter(Boolean);
    const changes: Changes = {};
    if (!pw) changes.user = 'new';
    else {
      if (args.uid !== undefined && String(args.uid) !== pw.uid) changes.uid = { old: Number(pw.uid), new: args.uid };
      if (args.gid !== undefined && facts.wantgid !== pw.gid) changes.gid = { old: primary, new: args.gid };
      if (args.shell !== undefined && args.shell !== pw.shell) changes.shell = { old: pw.shell, new: args.shell };
      if (args.home !== undefined && args.home !== pw.home) changes.home = { old: pw.home, new: args.home };
      if (args.fullname !== undefined && args.fullname !== pw.gecos.split(',')[0]) changes.fullname = { old: pw.gecos.split(',')[0], new: args.fullname };
      if (args.groups) {
        const have = supplementary.filter((g) => g !== primary).sort();
        const add = args.groups.filter((g) => !have.includes(g));
        const del = args.remove_groups ? have.filter((g) => !args.groups!.includes(g)) : [];
        if (add.length || del.length) changes.groups = { old: have, new: args.remove_groups ? args.groups : [...have, ...add] };
      }
    }
    if (args.password !== undefined && facts.pwok !== '1') changes.password = 'changed';
    const keys = missingKeys(args.ssh_authorized_keys, facts);
    if (keys.length) changes.ssh_authorized_keys = keys.map((k) => k.split(/\s+/).slice(0, 3).join(' '));
    return { changes, comment: Object.keys(changes).length ? `User ${args.name} would be ${pw ? 'updated' : 'created'}` : `User ${args.name} is present and up to date` };
  },
  async apply(args, facts, _p, _env, remote, check) {
    const n = shq(args.name);
    const c = check.changes;
    const opts: string[] = [];
    if (args.uid !== undefined && (c.user || c.uid)) opts.push(`-u ${args.uid}`);
    if (args.gid !== undefined && (c.user || c.gid)) opts.push(`-g ${shq(String(args.gid))}`);
    if (args.shell !== undefined && (c.user || c.shell)) opts.push(`-s ${shq(args.shell)}`);
    if (args.home !== undefined && (c.user || c.home)) opts.push(`-d ${shq(args.home)}`);
    if (args.fullname !== undefined && (c.user || c.fullname)) opts.push(`-c ${shq(args.fullname)}`);
    if (args.groups && (c.user || c.groups)) opts.push(`${args.remove_groups || c.user ? '-G' : '-aG'} ${shq(args.groups.join(','))}`);
    const lines = ['set -e'];
    if (c.user) lines.push(`useradd ${args.createhome ? '-m' : '-M'} ${args.system ? '-r ' : ''}${opts.join(' ')} ${n}`);
    else if (opts.length) lines.push(`usermod ${opts.join(' ')}${c.home ? ' -m' : ''} ${n}`);
    if (c.password) {
      const tmp = await remote.upload(`${args.name}:${args.password}\n`);
      lines.push(`chpasswd -e < ${shq(tmp)}; rm -f ${shq(tmp)}`);
    }
    if (lines.length > 1) await remote.must(lines.join('\n'), `${c.user ? 'creating' : 'updating'} user ${args.name}`);
    if (c.ssh_authorized_keys) await installKeys(remote, args.name, args.ssh_authorized_keys!, facts);
    return { changes: c, comment: `User ${args.name} ${c.user ? 'created' : 'updated'}` };
  },
};

const absentSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'The login name. Default: the state id.' },
    purge: { type: 'boolean', default: false, description: 'Also remove the home directory and mail spool.' },
  },
} as const;

export const userAbsent: StateFunction<FromSchema<typeof absentSchema>> = {
  name: 'user.absent',
  schema: absentSchema,
  probe: (args) => fact('passwd', `getent passwd ${shq(args.name)}`),
  check: (args, facts) => (facts.passwd ? { changes: { [args.name]: 'removed' }, comment: `User ${args.name} would be removed` } : { changes: {}, comment: `User ${args.name} is not present` }),
  async apply(args, _f, _p, _env, remote, check) {
    await remote.must(`userdel ${args.purge ? '-r ' : ''}${shq(args.name)}`, `removing user ${args.name}`);
    return { changes: check.changes, comment: `Removed user ${args.name}` };
  },
};
