import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { FromSchema } from 'json-schema-to-ts';
import { shortDiff } from '../diff.js';
import { renderVars } from '../render.js';
import { flag, sha256Of, shq } from '../shell.js';
import { StateFailure, type StateFunction } from '../types.js';
import { attrChanges, attrScript, attrsSchema, parentOf, parseStat, statProbe } from './attrs.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', description: 'Absolute path of the file on the guest. Default: the state id.' },
    contents: {
      anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      description: 'The file content (a list is joined with newlines). Default: empty, unless `source` is given.',
    },
    source: { type: 'string', description: 'A local file (relative to the state file, or the template) whose content to upload.' },
    template: { type: 'boolean', default: false, description: 'Render `{{ .key }}` in the content from the provisioner\'s `vars`.' },
    ...attrsSchema,
    makedirs: { type: 'boolean', default: false, description: 'Create missing parent directories.' },
    replace: { type: 'boolean', default: true, description: 'Replace the content of an existing file; false only creates a missing one.' },
    show_changes: { type: 'boolean', default: true, description: 'Show a diff of the content in the report; false says only that it changed.' },
  },
} as const;

type Args = FromSchema<typeof schema>;
interface Prepared {
  data: Buffer;
  sha: string;
}

const MAX_DIFF_BYTES = 65536;

export const fileManaged: StateFunction<Args, Prepared> = {
  name: 'file.managed',
  schema,
  async prepare(args, ctx) {
    if (args.source !== undefined && args.contents !== undefined) throw new StateFailure('give either "source" or "contents", not both');
    let data: Buffer;
    if (args.source !== undefined) {
      const path = isAbsolute(args.source) ? args.source : resolve(ctx.baseDir, args.source);
      try {
        data = await readFile(path);
      } catch {
        throw new StateFailure(`source file ${path} does not exist or cannot be read`);
      }
    } else {
      data = Buffer.from(Array.isArray(args.contents) ? `${args.contents.join('\n')}\n` : (args.contents ?? ''));
    }
    if (args.template) data = Buffer.from(renderVars(data.toString('utf8'), ctx.vars, `file ${args.name}`));
    return { data, sha: createHash('sha256').update(data).digest('hex') };
  },
  probe(args, p) {
    const path = shq(args.name);
    const lines = [statProbe(args.name), flag('parent', `[ -d ${shq(parentOf(args.name))} ]`), `s=$(${sha256Of(args.name)}); echo "sha=$s"`];
    // The old content travels back only when it differs and is small, for the report's diff.
    if (args.show_changes) {
      lines.push(`if [ -n "$s" ] && [ "$s" != ${p.sha} ] && [ "$sz" -le ${MAX_DIFF_BYTES} ]; then echo "old=$(base64 < ${path} | tr -d '\\n')"; fi`);
    }
    return lines.join('\n');
  },
  check(args, facts, p) {
    const st = parseStat(facts);
    if (!st) {
      if (facts.parent !== '1' && !args.makedirs) throw new StateFailure(`parent directory ${parentOf(args.name)} does not exist (set makedirs: true)`);
      return { changes: { diff: 'New file', ...(args.mode ? { mode: args.mode } : {}) }, comment: `File ${args.name} would be created` };
    }
    if (st.type !== 'regular file' && st.type !== 'regular empty file') throw new StateFailure(`${args.name} exists and is a ${st.type}, not a file`);
    const changes = attrChanges(args, st);
    if (args.replace && facts.sha !== p.sha) {
      changes.diff = args.show_changes && facts.old !== undefined ? shortDiff(Buffer.from(facts.old, 'base64').toString('utf8'), p.data.toString('utf8')) : '<content changed>';
    }
    const n = Object.keys(changes).length;
    return { changes, comment: n ? `File ${args.name} would be updated` : `File ${args.name} is in the correct state` };
  },
  async apply(args, facts, p, _env, remote, check) {
    const st = parseStat(facts);
    const target = shq(args.name);
    if (!('diff' in check.changes)) {
      await remote.must(attrScript(args, args.name), `setting owner/mode of ${args.name}`);
      return { changes: check.changes, comment: `File ${args.name} updated` };
    }
    const tmp = await remote.upload(p.data);
    const keep = st ? { mode: st.mode, user: st.uid, group: st.gid } : { mode: '644', user: '$(id -u)', group: '$(id -g)' };
    const owner = `${args.user ?? keep.user}:${args.group ?? keep.group}`;
    const script = [
      `t=${shq(tmp)}`,
      `if [ "$(sha256sum "$t" | cut -c1-64)" != ${p.sha} ]; then rm -f "$t"; echo "uploaded copy has the wrong checksum" >&2; exit 1; fi`,
      args.makedirs ? `mkdir -p ${shq(parentOf(args.name))}` : '',
      `chown ${owner.includes('$(') ? `"${owner}"` : shq(owner)} "$t" && chmod ${shq(args.mode ?? keep.mode)} "$t" && mv -f "$t" ${target} || { rm -f "$t"; exit 1; }`,
    ];
    await remote.must(script.filter(Boolean).join('\n'), `writing ${args.name}`);
    return { changes: check.changes, comment: st ? `File ${args.name} updated` : `File ${args.name} created` };
  },
};
