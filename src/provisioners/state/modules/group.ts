import type { FromSchema } from 'json-schema-to-ts';
import { fact, shq } from '../shell.js';
import type { Changes, StateFunction } from '../types.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'The group. Default: the state id.' },
    gid: { type: 'integer', minimum: 0, description: 'Numeric group id. Default: chosen by groupadd.' },
    system: { type: 'boolean', default: false, description: 'Create a system group (new groups only).' },
    members: { type: 'array', items: { type: 'string' }, description: 'The exact member list; users not listed are removed.' },
    addusers: { type: 'array', items: { type: 'string' }, description: 'Users to add, leaving other members alone.' },
    delusers: { type: 'array', items: { type: 'string' }, description: 'Users to remove from the group.' },
  },
} as const;

type Args = FromSchema<typeof schema>;

function memberChanges(args: Args, current: string[]): { add: string[]; del: string[] } {
  if (args.members) return { add: args.members.filter((m) => !current.includes(m)), del: current.filter((m) => !args.members!.includes(m)) };
  return { add: (args.addusers ?? []).filter((m) => !current.includes(m)), del: (args.delusers ?? []).filter((m) => current.includes(m)) };
}

export const groupPresent: StateFunction<Args> = {
  name: 'group.present',
  schema,
  probe: (args) => fact('group', `getent group ${shq(args.name)}`),
  check(args, facts) {
    const changes: Changes = {};
    const [, , gid, members = ''] = (facts.group ?? '').split(':');
    const current = members ? members.split(',') : [];
    if (!facts.group) {
      changes.group = 'new';
      if (args.gid !== undefined) changes.gid = args.gid;
    } else if (args.gid !== undefined && String(args.gid) !== gid) changes.gid = { old: Number(gid), new: args.gid };
    const m = memberChanges(args, current);
    if (m.add.length) changes.added = m.add;
    if (m.del.length) changes.removed = m.del;
    return { changes, comment: Object.keys(changes).length ? `Group ${args.name} would be ${facts.group ? 'updated' : 'created'}` : `Group ${args.name} is present and up to date` };
  },
  async apply(args, facts, _p, _env, remote, check) {
    const n = shq(args.name);
    const lines: string[] = [];
    if (!facts.group) lines.push(`groupadd ${args.gid !== undefined ? `-g ${args.gid} ` : ''}${args.system ? '-r ' : ''}${n}`);
    else if ('gid' in check.changes) lines.push(`groupmod -g ${args.gid} ${n}`);
    if (args.members && ('added' in check.changes || 'removed' in check.changes)) lines.push(`gpasswd -M ${shq(args.members.join(','))} ${n} >/dev/null`);
    else {
      for (const u of (check.changes.added as string[] | undefined) ?? []) lines.push(`gpasswd -a ${shq(u)} ${n} >/dev/null`);
      for (const u of (check.changes.removed as string[] | undefined) ?? []) lines.push(`gpasswd -d ${shq(u)} ${n} >/dev/null`);
    }
    await remote.must(['set -e', ...lines].join('\n'), `${facts.group ? 'updating' : 'creating'} group ${args.name}`);
    return { changes: check.changes, comment: `Group ${args.name} ${facts.group ? 'updated' : 'created'}` };
  },
};
