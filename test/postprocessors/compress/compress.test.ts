import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/artifact.js';
import { type CompressConfig, plugin, tarStream } from '../../../src/postprocessors/compress/index.js';
import { makePostProcessContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'post-processors[0][1]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as CompressConfig, env);
const tmp = () => mkdtempSync(join(tmpdir(), 'bake-compress-'));
const LONG = `${'deep-directory-name/'.repeat(6)}image-with-a-long-name.qcow2`;

/** Two files in `dir`: a 2 MiB random image and a small one under a path longer than ustar's 100 bytes. */
function artifactIn(dir: string): { artifact: Artifact; big: Buffer; small: Buffer } {
  const big = randomBytes(2 * 1024 * 1024 + 5);
  const small = Buffer.from('small file\n'.repeat(100));
  writeFileSync(join(dir, 'disk.raw'), big, { mode: 0o640 });
  mkdirSync(join(dir, LONG, '..'), { recursive: true });
  writeFileSync(join(dir, LONG), small);
  return {
    artifact: { builderType: 'qemu', buildName: 'web', id: 'disk', files: ['disk.raw', LONG], images: {}, metadata: {}, description: '' },
    big,
    small,
  };
}

async function inDir<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await fn();
  } finally {
    process.chdir(cwd);
  }
}

describe('compress post-processor', () => {
  it.each([
    ['out.tar.gz', ['-xzf']],
    ['out.tgz', ['-xzf']],
    ['out.tar', ['-xf']],
    ['out.tar.zst', ['--zstd', '-xf']],
    ['out.tar.xz', ['-xJf']],
  ])('writes %s that tar extracts to the same bytes, names and modes', async (name, tarFlags) => {
    const dir = tmp();
    const { artifact, big, small } = artifactIn(dir);
    const ctx = makePostProcessContext({ buildName: 'web', buildType: 'qemu' });
    const out = await inDir(dir, () => create({ output: `archives/${name}` }).run(ctx, artifact));
    expect(out.artifact).toMatchObject({ builderType: 'compress', id: `archives/${name}`, files: [`archives/${name}`] });
    const x = join(dir, 'x');
    mkdirSync(x);
    execFileSync('tar', [...tarFlags, join(dir, 'archives', name), '-C', x]);
    expect(readFileSync(join(x, 'disk.raw')).equals(big)).toBe(true);
    expect(readFileSync(join(x, LONG)).equals(small)).toBe(true);
    expect(execFileSync('stat', ['-c', '%a', join(x, 'disk.raw')]).toString().trim()).toBe('640');
    expect(ctx.events.filter((e) => e.progress).at(-1)?.progress).toEqual({
      label: 'compress', current: big.length + small.length, total: big.length + small.length, unit: 'bytes', done: true,
    });
    expect(existsSync(join(dir, 'archives', `${name}.partial`))).toBe(false);
  });

  it('compresses a single file with .gz and .zst, and several into .zip', async () => {
    const dir = tmp();
    const { artifact, big, small } = artifactIn(dir);
    const one = { ...artifact, files: [join(dir, 'disk.raw')] };
    const ctx = makePostProcessContext({ buildName: 'web', buildType: 'qemu' });
    await create({ output: join(dir, '{{.BuildName}}-{{.BuilderType}}.raw.gz'), compression_level: 1 }).run(ctx, one);
    expect(gunzipSync(readFileSync(join(dir, 'web-qemu.raw.gz'))).equals(big)).toBe(true);
    await create({ output: join(dir, 'disk.raw.zst') }).run(ctx, one);
    expect(execFileSync('zstd', ['-dc', join(dir, 'disk.raw.zst')], { maxBuffer: 1 << 24 }).equals(big)).toBe(true);
    await inDir(dir, () => create({ output: 'all.zip' }).run(ctx, artifact));
    expect(execFileSync('unzip', ['-p', join(dir, 'all.zip'), 'image-with-a-long-name.qcow2']).equals(small)).toBe(true);
  });

  it('refuses to overwrite without -force, and overwrites with it', async () => {
    const dir = tmp();
    const { artifact } = artifactIn(dir);
    const one = { ...artifact, files: [join(dir, 'disk.raw')] };
    writeFileSync(join(dir, 'o.gz'), 'old');
    await expect(create({ output: join(dir, 'o.gz') }).run(makePostProcessContext(), one)).rejects.toThrow(
      `compress: "${join(dir, 'o.gz')}" already exists; remove it or run with -force`,
    );
    await create({ output: join(dir, 'o.gz') }).run(makePostProcessContext({ force: true }), one);
    expect(gunzipSync(readFileSync(join(dir, 'o.gz'))).length).toBe(2 * 1024 * 1024 + 5);
  });

  it('explains formats it cannot write', async () => {
    const dir = tmp();
    const { artifact } = artifactIn(dir);
    await expect(inDir(dir, () => create({ output: 'two.gz' }).run(makePostProcessContext(), artifact))).rejects.toThrow(
      'compress: "two.gz" holds one file but the artifact has 2; use an archive such as .tar.gz',
    );
    expect(() => create({ output: 'image.rar' })).toThrow(
      't.json: post-processors[0][1].output: cannot tell the format of "image.rar"; end it with one of .tar.gz, .tgz, .tar.zst, .tar.xz, .tar.lz4, .tar, .gz, .zst, .xz, .lz4, .zip or set "format"',
    );
    expect(() => create({ output: 'x.bin', format: 'rar' })).toThrow(
      't.json: post-processors[0][1].format: "rar" is not one of tar.gz, tgz, tar.zst, tar.xz, tar.lz4, tar, gz, zst, xz, lz4, zip',
    );
    expect(() => create({ output: 'x.gz', compression_level: 12 })).toThrow('t.json: post-processors[0][1].compression_level: gzip takes 0 to 9 (got 12)');
    expect(() => create({ output: 'x.bin', format: '.tar.lz4' })).not.toThrow();
  });

  it('says which package to install when the compressor program is missing, and leaves no partial file', async () => {
    const dir = tmp();
    const { artifact } = artifactIn(dir);
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'empty-bin');
    try {
      await expect(create({ output: join(dir, 'o.tar.zst') }).run(makePostProcessContext(), { ...artifact, files: [join(dir, 'disk.raw')] })).rejects.toThrow(
        'compress: "zstd" is not installed; install the Debian package zstd, or use .tar.gz',
      );
    } finally {
      process.env.PATH = path;
    }
    expect(existsSync(join(dir, 'o.tar.zst.partial'))).toBe(false);
    expect(existsSync(join(dir, 'o.tar.zst'))).toBe(false);
  });
});

describe('tar headers', () => {
  it('store sizes of 8 GiB and more so that GNU tar reads them', async () => {
    const dir = tmp();
    const size = 9 * 1024 ** 3 + 3;
    const sparse = join(dir, 'huge.raw');
    execFileSync('truncate', ['-s', String(size), sparse]);
    const chunks = tarStream([sparse], () => {});
    const first = (await chunks.next()).value as Buffer;
    await chunks.return(undefined);
    // Header, then the (sparse) data, its padding and the end blocks: tar lists it by seeking over the data.
    const archive = join(dir, 'huge.tar');
    writeFileSync(archive, first);
    execFileSync('truncate', ['-s', String(512 + size + ((512 - (size % 512)) % 512) + 1024), archive]);
    const listing = execFileSync('tar', ['-tvf', archive]).toString();
    expect(listing).toMatch(new RegExp(`^-\\S+ \\S+ +${size} .* huge\\.raw\\n$`));
  });
});
