import { createHash } from 'node:crypto';
import type { FromSchema } from 'json-schema-to-ts';
import { shortDiff } from '../diff.js';
import { shq } from '../shell.js';
import { StateFailure, type StateFunction } from '../types.js';
import { parseStat, statProbe } from './attrs.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'mode'],
  properties: {
    name: { type: 'string', description: 'Absolute path of the file to edit. Default: the state id.' },
    content: { type: 'string', description: 'The line to ensure, insert or replace with (required except for mode delete with `match`).' },
    match: { type: 'string', description: 'A JavaScript regular expression selecting the lines to replace or delete. Default: lines equal to `content`.' },
    mode: { type: 'string', enum: ['ensure', 'replace', 'insert', 'delete'], description: 'ensure: replace matching lines, or add the line if none match; replace: only replace matching lines; insert: add the line if absent; delete: remove matching lines.' },
    location: { type: 'string', enum: ['start', 'end'], default: 'end', description: 'Where insert/ensure add a missing line.' },
    create: { type: 'boolean', default: false, description: 'Create the file when it is missing (otherwise the state fails).' },
    show_changes: { type: 'boolean', default: true, description: 'Show a diff in the report.' },
  },
} as const;

type Args = FromSchema<typeof schema>;

const MAX_BYTES = 1 << 20;

/** The edited text, computed on the controller from the probed content. */
export function editLines(text: string, args: Pick<Args, 'content' | 'match' | 'mode' | 'location'>): string {
  const endsNl = text === '' || text.endsWith('\n');
  const lines = text === '' ? [] : (endsNl ? text.slice(0, -1) : text).split('\n');
  const re = args.match !== undefined ? new RegExp(args.match) : undefined;
  const hit = (l: string) => (re ? re.test(l) : l === args.content);
  const add = (ls: string[]) => (args.location === 'start' ? [args.content!, ...ls] : [...ls, args.content!]);
  let out: string[];
  switch (args.mode) {
    case 'delete':
      out = lines.filter((l) => !hit(l));
      break;
    case 'replace':
      out = lines.map((l) => (hit(l) ? args.content! : l));
      break;
    case 'insert':
      out = lines.includes(args.content!) ? lines : add(lines);
      break;
    default:
      out = lines.some(hit) ? lines.map((l) => (hit(l) ? args.content! : l)) : lines.includes(args.content!) ? lines : add(lines);
  }
  return out.length ? `${out.join('\n')}${endsNl ? '\n' : ''}` : '';
}

export const fileLine: StateFunction<Args> = {
  name: 'file.line',
  schema,
  prepare(args) {
    if (args.content === undefined && !(args.mode === 'delete' && args.match !== undefined)) throw new StateFailure(`mode ${args.mode} needs "content"`);
    if (args.match !== undefined) {
      try {
        new RegExp(args.match);
      } catch (err) {
        throw new StateFailure(`match is not a valid regular expression: ${(err as Error).message}`);
      }
    }
    return undefined;
  },
  probe: (args) =>
    [statProbe(args.name), `if [ -f ${shq(args.name)} ] && [ "$sz" -le ${MAX_BYTES} ]; then echo "content=$(base64 < ${shq(args.name)} | tr -d '\\n')"; fi`].join('\n'),
  check(args, facts) {
    const st = parseStat(facts);
    if (!st && !args.create) throw new StateFailure(`${args.name} does not exist (set create: true to create it)`);
    if (st && facts.content === undefined) throw new StateFailure(`${args.name} is not a regular file of at most 1 MiB`);
    const old = Buffer.from(facts.content ?? '', 'base64').toString('utf8');
    const next = editLines(old, args);
    if (st && next === old) return { changes: {}, comment: `${args.name}: no changes needed` };
    return { changes: { diff: args.show_changes ? shortDiff(st ? old : undefined, next) : '<content changed>' }, comment: `${args.name}: changes would be made` };
  },
  async apply(args, facts, _p, _env, remote, check) {
    const next = editLines(Buffer.from(facts.content ?? '', 'base64').toString('utf8'), args);
    const sha = createHash('sha256').update(next).digest('hex');
    const tmp = await remote.upload(next);
    // `cat >` keeps the file's inode, owner and mode.
    const script = [
      `t=${shq(tmp)}`,
      `if [ "$(sha256sum "$t" | cut -c1-64)" != ${sha} ]; then rm -f "$t"; echo "uploaded copy has the wrong checksum" >&2; exit 1; fi`,
      `cat "$t" > ${shq(args.name)}; rc=$?; rm -f "$t"; exit $rc`,
    ].join('\n');
    await remote.must(script, `editing ${args.name}`);
    return { changes: check.changes, comment: `${args.name}: changes were made` };
  },
};
