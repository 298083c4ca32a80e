import type { FromSchema } from 'json-schema-to-ts';
import { shq } from '../shell.js';
import { StateFailure, type CheckResult, type Remote, type StateFunction } from '../types.js';

const oneOrMany = (description: string) => ({ anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description }) as const;

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'The command, run by `shell`. Default: the state id.' },
    cwd: { type: 'string', default: '/root', description: 'Directory to run in.' },
    env: {
      anyOf: [{ type: 'object', additionalProperties: { type: 'string' } }, { type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } } }],
      description: 'Environment variables (a map, or Salt\'s list of one-key maps). Sent inside an uploaded script, not on a command line.',
    },
    runas: { type: 'string', description: 'Run as this user (through su). Default: the user bake runs as on the guest (root with sudo).' },
    shell: { type: 'string', default: '/bin/sh', description: 'The shell that runs the command.' },
    creates: oneOrMany('Skip the command when these paths all exist.'),
    unless: oneOrMany('Skip the command when these commands all succeed.'),
    onlyif: oneOrMany('Run the command only when these commands all succeed.'),
  },
} as const;

type Args = FromSchema<typeof schema>;

const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function envMap(args: Args): Record<string, string> {
  return Array.isArray(args.env) ? Object.assign({}, ...args.env) : (args.env ?? {});
}

/** The command wrapped with cwd, env and runas, as a script body. */
function wrapped(args: Args, command: string): string {
  const exports = Object.entries(envMap(args)).map(([k, v]) => `export ${k}=${shq(v)}`);
  const inner = [`cd ${shq(args.cwd ?? '/root')}`, ...exports, `exec ${shq(args.shell ?? '/bin/sh')} -c ${shq(command)}`].join('\n');
  return args.runas ? `exec su -s /bin/sh -c ${shq(inner)} ${shq(args.runas)}` : inner;
}

const TAIL = 10;
const tail = (s: string) => s.trim().split('\n').slice(-TAIL).join('\n');

async function runCommand(args: Args, remote: Remote): Promise<CheckResult> {
  // The script travels by upload, so env values never show on a command line on the guest.
  const tmp = await remote.upload(wrapped(args, args.name));
  const res = await remote.run(`chmod 644 ${shq(tmp)}; (sh ${shq(tmp)}) </dev/null; rc=$?; rm -f ${shq(tmp)}; exit $rc`);
  if (res.code !== 0) throw new StateFailure(`command exited with ${res.code}${res.stderr.trim() ? `: ${tail(res.stderr).split('\n').join(' | ')}` : ''}`);
  const out = tail(res.stdout);
  const err = tail(res.stderr);
  return { changes: { retcode: 0, ...(out ? { stdout: out } : {}), ...(err ? { stderr: err } : {}) }, comment: `Command "${args.name}" run` };
}

export const cmdRun: StateFunction<Args> = {
  name: 'cmd.run',
  schema,
  probe(args) {
    const lines = list(args.creates).map((p, i) => `if [ -e ${shq(p)} ]; then echo c${i}=1; fi`);
    list(args.unless).forEach((c, i) => lines.push(`(${wrapped(args, c)}) >/dev/null 2>&1; echo u${i}=$?`));
    list(args.onlyif).forEach((c, i) => lines.push(`(${wrapped(args, c)}) >/dev/null 2>&1; echo o${i}=$?`));
    return lines.join('\n') || ':';
  },
  probeRunsCommands: (args) => list(args.unless).length + list(args.onlyif).length > 0,
  check(args, facts) {
    const creates = list(args.creates);
    if (creates.length && creates.every((_, i) => facts[`c${i}`] === '1')) return { changes: {}, comment: 'All files in creates exist' };
    const unless = list(args.unless);
    if (unless.length && unless.every((_, i) => facts[`u${i}`] === '0')) return { changes: {}, comment: 'unless condition is true' };
    const onlyif = list(args.onlyif);
    const failed = onlyif.findIndex((_, i) => facts[`o${i}`] !== '0');
    if (failed >= 0) return { changes: {}, comment: `onlyif condition is false: ${onlyif[failed]}` };
    return { changes: { command: args.name }, comment: `Command "${args.name}" would have been executed` };
  },
  apply: (args, _f, _p, _env, remote) => runCommand(args, remote),
  async watch(args, _f, _p, _env, remote, applied) {
    if ('retcode' in applied) return { changes: {}, comment: 'already run' };
    return runCommand(args, remote);
  },
};
