import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/artifact.js';
import { fileIdentity, hashFile, rememberDigests } from '../../../src/local-image/index.js';
import { type ChecksumConfig, plugin } from '../../../src/postprocessors/checksum/index.js';
import { makePostProcessContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'post-processors[1]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as ChecksumConfig, env);
const tmp = () => mkdtempSync(join(tmpdir(), 'bake-checksum-'));
const digest = (type: string, data: Buffer) => createHash(type).update(data).digest('hex');

function artifactWith(dir: string, files: Record<string, Buffer>): Artifact {
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return { builderType: 'qemu', buildName: 'web', id: 'x', files: Object.keys(files).map((n) => join(dir, n)), images: {}, metadata: {}, description: '' };
}

describe('checksum post-processor', () => {
  it('writes one file per type with "<hash>\\t<name>" lines matching node:crypto', async () => {
    const dir = tmp();
    const big = randomBytes(3 * 1024 * 1024 + 17);
    const small = Buffer.from('hello\n');
    const input = artifactWith(dir, { 'disk.qcow2': big, 'notes.txt': small });
    const ctx = makePostProcessContext({ buildName: 'web', buildType: 'qemu' });
    const out = await create({ checksum_types: ['sha256', 'md5', 'sha512'], output: join(dir, 'sums', '{{.BuildName}}_{{.BuilderType}}.{{.ChecksumType}}') }).run(ctx, input);
    for (const type of ['sha256', 'md5', 'sha512']) {
      expect(readFileSync(join(dir, 'sums', `web_qemu.${type}`), 'utf8')).toBe(
        `${digest(type, big)}\tdisk.qcow2\n${digest(type, small)}\tnotes.txt\n`,
      );
    }
    expect(out.forceKeepInput).toBe(true);
    expect(out.artifact.builderType).toBe('checksum');
    expect(out.artifact.files).toEqual(['sha256', 'md5', 'sha512'].map((t) => join(dir, 'sums', `web_qemu.${t}`)));
    const last = ctx.events.filter((e) => e.progress).at(-1);
    expect(last?.progress).toEqual({ label: 'checksum', current: big.length + small.length, total: big.length + small.length, unit: 'bytes', done: true });
    await out.artifact.destroy?.();
    expect(existsSync(join(dir, 'sums', 'web_qemu.md5'))).toBe(false);
  });

  it('reuses the digest this run already has of the unchanged file (the provenance\'s sha256), and only that', async () => {
    const dir = tmp();
    const data = randomBytes(64 * 1024);
    const input = artifactWith(dir, { 'disk.qcow2': data });
    const file = input.files[0]!;
    // The provenance hashed the image for its subject: its sha256 is what the checksum file gets.
    expect(await hashFile(file, 'sha256')).toBe(digest('sha256', data));
    // Proof that it is reused rather than computed again: a planted digest for the same unchanged file is what comes out.
    rememberDigests(file, fileIdentity(file), { sha256: 'a'.repeat(64) });
    let n = 0;
    const run = async () => {
      n++; // a new file each time: within a run the post-processor appends to one it wrote
      await create({ checksum_types: ['sha256', 'md5'], output: join(dir, `${n}.{{.ChecksumType}}`) }).run(makePostProcessContext({ buildName: 'web' }), input);
      return [readFileSync(join(dir, `${n}.sha256`), 'utf8'), readFileSync(join(dir, `${n}.md5`), 'utf8')];
    };
    expect(await run()).toEqual([`${'a'.repeat(64)}\tdisk.qcow2\n`, `${digest('md5', data)}\tdisk.qcow2\n`]);
    // A file changed since (same size, same modification time put back) is read again.
    const { mtime } = statSync(file);
    const changed = Buffer.from(data).fill(1, 0, 1);
    writeFileSync(file, changed);
    utimesSync(file, mtime, mtime);
    expect(await run()).toEqual([`${digest('sha256', changed)}\tdisk.qcow2\n`, `${digest('md5', changed)}\tdisk.qcow2\n`]);
  });

  it("defaults to md5 in Packer's file name, starts a stale file afresh and appends within the run", async () => {
    const dir = tmp();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      writeFileSync('packer_web_qemu_md5.checksum', 'stale\told.img\n');
      const a = artifactWith(dir, { 'a.img': Buffer.from('a') });
      await create({}).run(makePostProcessContext({ buildName: 'web', buildType: 'qemu' }), a);
      const shared = join(dir, 'all.sha1');
      await create({ checksum_types: ['sha1'], output: shared }).run(makePostProcessContext({ buildName: 'one' }), a);
      const b = artifactWith(dir, { 'b.img': Buffer.from('b') });
      await create({ checksum_types: ['sha1'], output: shared }).run(makePostProcessContext({ buildName: 'two' }), b);
      expect(readFileSync('packer_web_qemu_md5.checksum', 'utf8')).toBe(`${digest('md5', Buffer.from('a'))}\ta.img\n`);
      expect(readFileSync(shared, 'utf8')).toBe(`${digest('sha1', Buffer.from('a'))}\ta.img\n${digest('sha1', Buffer.from('b'))}\tb.img\n`);
    } finally {
      process.chdir(cwd);
    }
  });

  it('names a file it cannot read', async () => {
    const dir = tmp();
    const input: Artifact = { builderType: 'qemu', buildName: 'web', id: 'x', files: [join(dir, 'gone.img')], images: {}, metadata: {}, description: '' };
    await expect(create({ output: join(dir, 'x') }).run(makePostProcessContext(), input)).rejects.toThrow(
      `checksum: cannot read "${join(dir, 'gone.img')}": ENOENT: no such file or directory, stat '${join(dir, 'gone.img')}'`,
    );
  });
});
