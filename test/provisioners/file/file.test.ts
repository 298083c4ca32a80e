import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalCommunicator } from '../../../src/communicator/local.js';
import { connectSsh } from '../../../src/communicator/index.js';
import type { Communicator } from '../../../src/communicator/types.js';
import { type FileConfig, plugin } from '../../../src/provisioners/file/index.js';
import { optionsFor } from '../../communicator/ssh-test-options.js';
import { makeProvisionContext } from '../../helpers/context.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';

const env = { file: 't.json', path: 'provisioners[0]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as FileConfig, env);
const tmp = (p = 'bake-file-') => mkdtempSync(join(tmpdir(), p));

/** A local tree: conf/app.conf (0640), conf/bin/run (0755), plus a lone file. */
function fixture() {
  const dir = tmp('bake-src-');
  mkdirSync(join(dir, 'conf', 'bin'), { recursive: true });
  writeFileSync(join(dir, 'conf', 'app.conf'), 'listen 80\n', { mode: 0o640 });
  writeFileSync(join(dir, 'conf', 'bin', 'run'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(dir, 'one.txt'), Buffer.from([0, 1, 2, 255]), { mode: 0o600 });
  return dir;
}

const mode = (p: string) => statSync(p).mode & 0o777;

describe('file provisioner: config checks', () => {
  it('refuses a missing source unless generated, and ambiguous or incomplete configs', () => {
    expect(() => create({ source: 'missing.txt', destination: '/tmp/x' })).toThrow(
      `t.json: provisioners[0].source: "missing.txt" does not exist (relative to the working directory ${process.cwd()}; set "generated": true if the build creates it)`,
    );
    expect(() => create({ source: 'missing.txt', destination: '/tmp/x', generated: true })).not.toThrow();
    expect(() => create({ source: 'missing.txt', destination: '/tmp/x', direction: 'download' })).not.toThrow();
    expect(() => create({ source: 'a', content: 'b', destination: '/x' })).toThrow(
      't.json: provisioners[0]: needs only one of "source", "sources" or "content" (got "source" and "content")',
    );
    expect(() => create({ destination: '/x' })).toThrow('t.json: provisioners[0]: needs one of "source", "sources" or "content"');
    const dir = fixture();
    expect(() => create({ sources: [join(dir, 'one.txt'), join(dir, 'conf')], destination: '/tmp/x' })).toThrow(
      't.json: provisioners[0].destination: must end with "/" when several sources are copied (got "/tmp/x")',
    );
  });

  it('says which generated source was still missing at run time', async () => {
    const p = create({ source: '/nonexistent/made-later.txt', destination: '/tmp/x', generated: true });
    await expect(p.run(makeProvisionContext(), new LocalCommunicator())).rejects.toThrow(
      `file provisioner: source "/nonexistent/made-later.txt" does not exist (relative to the working directory ${process.cwd()})`,
    );
  });
});

describe.each([
  ['local machine', async () => ({ comm: new LocalCommunicator() as Communicator, stop: async () => {} })],
  [
    'real sshd',
    async () => {
      const sshd: TestSshd = await startSshd();
      const comm = await connectSsh(optionsFor(sshd), makeProvisionContext());
      return { comm, stop: async () => (await comm.close(), await sshd.stop()) };
    },
  ],
])('file provisioner over the %s', (_name, connect) => {
  let comm: Communicator;
  let stop: () => Promise<void>;
  beforeAll(async () => ({ comm, stop } = await connect()));
  afterAll(async () => stop?.());
  const run = async (config: Record<string, unknown>) => {
    const ctx = makeProvisionContext();
    await create(config).run(ctx, comm);
    return ctx;
  };

  it('uploads a file with its bytes and mode, into a directory when the destination ends with "/"', async () => {
    const src = fixture();
    const dst = tmp();
    const ctx = await run({ source: join(src, 'one.txt'), destination: `${dst}/` });
    expect(readFileSync(join(dst, 'one.txt'))).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(mode(join(dst, 'one.txt'))).toBe(0o600);
    const last = ctx.events.filter((e) => e.progress).at(-1);
    expect(last?.progress).toEqual({ label: 'upload', current: 4, total: 4, unit: 'bytes', done: true });
    await run({ source: join(src, 'one.txt'), destination: join(dst, 'renamed.bin') });
    expect(readFileSync(join(dst, 'renamed.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('follows the trailing-slash rule for directories', async () => {
    const src = fixture();
    const withDir = tmp();
    await run({ source: join(src, 'conf'), destination: withDir });
    expect(readdirSync(withDir)).toEqual(['conf']);
    expect(readFileSync(join(withDir, 'conf', 'app.conf'), 'utf8')).toBe('listen 80\n');
    expect(mode(join(withDir, 'conf', 'app.conf'))).toBe(0o640);
    expect(mode(join(withDir, 'conf', 'bin', 'run'))).toBe(0o755);
    const contents = tmp();
    await run({ source: `${join(src, 'conf')}/`, destination: contents });
    expect(readdirSync(contents).sort()).toEqual(['app.conf', 'bin']);
  });

  it('uploads several sources and inline content', async () => {
    const src = fixture();
    const dst = tmp();
    await run({ sources: [join(src, 'one.txt'), join(src, 'conf')], destination: `${dst}/` });
    expect(readdirSync(dst).sort()).toEqual(['conf', 'one.txt']);
    await run({ content: 'hello\n', destination: join(dst, 'motd') });
    expect(readFileSync(join(dst, 'motd'), 'utf8')).toBe('hello\n');
    await run({ content: 'x', destination: `${dst}/` });
    expect(readFileSync(join(dst, 'pkr-file-content'), 'utf8')).toBe('x');
  });

  it('downloads files and directory contents', async () => {
    const remote = fixture();
    const local = tmp();
    await run({ source: join(remote, 'one.txt'), destination: `${local}/got/`, direction: 'download' });
    expect(readFileSync(join(local, 'got', 'one.txt'))).toEqual(Buffer.from([0, 1, 2, 255]));
    await run({ source: `${join(remote, 'conf')}/`, destination: join(local, 'tree'), direction: 'download' });
    expect(readFileSync(join(local, 'tree', 'bin', 'run'), 'utf8')).toBe('#!/bin/sh\n');
    expect(mode(join(local, 'tree', 'bin', 'run'))).toBe(0o755);
    await run({ source: `${join(remote, 'conf')}/`, destination: `${local}/into/`, direction: 'download' });
    expect(readdirSync(join(local, 'into', 'conf')).sort()).toEqual(['app.conf', 'bin']);
  });

  it('names the transfer that failed', async () => {
    const local = tmp();
    const err = await run({ source: '/nonexistent/remote.txt', destination: `${local}/`, direction: 'download' }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^file provisioner: download \/nonexistent\/remote\.txt => .*\/remote\.txt failed: /);
  });
});
