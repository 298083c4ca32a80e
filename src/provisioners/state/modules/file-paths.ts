import type { FromSchema } from 'json-schema-to-ts';
import { fact, flag, shq } from '../shell.js';
import { StateFailure, type StateFunction } from '../types.js';
import { attrChanges, attrScript, attrsSchema, parentOf, parseStat, statProbe } from './attrs.js';

const nameProp = { type: 'string', description: 'Absolute path on the guest. Default: the state id.' } as const;
const makedirs = { type: 'boolean', default: false, description: 'Create missing parent directories.' } as const;

const dirSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: nameProp, ...attrsSchema, dir_mode: { ...attrsSchema.mode, description: 'Salt\'s name for `mode`.' }, makedirs },
} as const;
type DirArgs = FromSchema<typeof dirSchema>;

export const fileDirectory: StateFunction<DirArgs> = {
  name: 'file.directory',
  schema: dirSchema,
  probe: (args) => [statProbe(args.name), flag('parent', `[ -d ${shq(parentOf(args.name))} ]`)].join('\n'),
  check(args, facts) {
    const want = { ...args, mode: args.mode ?? args.dir_mode };
    const st = parseStat(facts);
    if (!st) {
      if (facts.parent !== '1' && !args.makedirs) throw new StateFailure(`parent directory ${parentOf(args.name)} does not exist (set makedirs: true)`);
      return { changes: { [args.name]: 'New Dir' }, comment: `Directory ${args.name} would be created` };
    }
    if (st.type !== 'directory') throw new StateFailure(`${args.name} exists and is a ${st.type}, not a directory`);
    const changes = attrChanges(want, st);
    return { changes, comment: Object.keys(changes).length ? `Directory ${args.name} would be updated` : `Directory ${args.name} is in the correct state` };
  },
  async apply(args, facts, _p, _env, remote, check) {
    const want = { ...args, mode: args.mode ?? args.dir_mode };
    const exists = !!parseStat(facts);
    const script = [exists ? '' : `mkdir ${args.makedirs ? '-p ' : ''}${shq(args.name)}`, attrScript(want, args.name, exists ? undefined : '755')];
    await remote.must(script.filter(Boolean).join('\n'), `creating directory ${args.name}`);
    return { changes: check.changes, comment: exists ? `Directory ${args.name} updated` : `Directory ${args.name} created` };
  },
};

const linkSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'target'],
  properties: {
    name: nameProp,
    target: { type: 'string', description: 'What the link points to.' },
    force: { type: 'boolean', default: false, description: 'Replace a file or directory that stands where the link should be.' },
    makedirs,
  },
} as const;
type LinkArgs = FromSchema<typeof linkSchema>;

export const fileSymlink: StateFunction<LinkArgs> = {
  name: 'file.symlink',
  schema: linkSchema,
  probe: (args) => [flag('link', `[ -L ${shq(args.name)} ]`), flag('exists', `[ -e ${shq(args.name)} ]`), fact('target', `readlink ${shq(args.name)}`), flag('parent', `[ -d ${shq(parentOf(args.name))} ]`)].join('\n'),
  check(args, facts) {
    if (facts.link === '1') {
      if (facts.target === args.target) return { changes: {}, comment: `Symlink ${args.name} is present and owned correctly` };
      return { changes: { target: { old: facts.target, new: args.target } }, comment: `Symlink ${args.name} would be pointed at ${args.target}` };
    }
    if (facts.exists === '1' && !args.force) throw new StateFailure(`${args.name} exists and is not a symlink (set force: true to replace it)`);
    if (facts.parent !== '1' && !args.makedirs) throw new StateFailure(`parent directory ${parentOf(args.name)} does not exist (set makedirs: true)`);
    return { changes: { new: args.name }, comment: `Symlink ${args.name} would be created` };
  },
  async apply(args, facts, _p, _env, remote, check) {
    const n = shq(args.name);
    const script = [args.makedirs ? `mkdir -p ${shq(parentOf(args.name))}` : '', facts.link !== '1' && facts.exists === '1' ? `rm -rf ${n}` : '', `ln -sfn ${shq(args.target)} ${n}`];
    await remote.must(script.filter(Boolean).join('\n'), `creating symlink ${args.name}`);
    return { changes: check.changes, comment: `Created new symlink ${args.name} -> ${args.target}` };
  },
};

const absentSchema = { type: 'object', additionalProperties: false, required: ['name'], properties: { name: nameProp } } as const;
type AbsentArgs = FromSchema<typeof absentSchema>;

export const fileAbsent: StateFunction<AbsentArgs> = {
  name: 'file.absent',
  schema: absentSchema,
  probe: (args) => flag('exists', `[ -e ${shq(args.name)} ] || [ -L ${shq(args.name)} ]`),
  check(args, facts) {
    if (args.name.replace(/\/+$/, '') === '') throw new StateFailure('refusing to remove /');
    if (facts.exists !== '1') return { changes: {}, comment: `File ${args.name} is not present` };
    return { changes: { removed: args.name }, comment: `${args.name} would be removed` };
  },
  async apply(args, _f, _p, _env, remote, check) {
    await remote.must(`rm -rf ${shq(args.name)}`, `removing ${args.name}`);
    return { changes: check.changes, comment: `Removed ${args.name}` };
  },
};
