import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

/**
 * Post-processor configs through `bake validate`. Building an artifact to post-process takes a
 * builder that makes files (qemu); those runs live in the qemu e2e tests.
 */
describe('post-processor configs through bake validate', () => {
  it('reports every bad post-processor option at once, with its JSON path, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-e2e-pp-'));
    const t = join(dir, 'pp.json');
    writeFileSync(
      t,
      JSON.stringify({
        builders: [{ type: 'null', communicator: 'none' }],
        'post-processors': [
          { type: 'compress', output: 'x.rar' },
          { type: 'checksum', checksum_types: ['sha256', 'crc32'] },
          [
            { type: 'manifest', strip_path: 'yes' },
            { type: 'shell-local', inline: ['true'], script: 'x.sh' },
          ],
        ],
      }),
    );
    const r = await runBake(['validate', t]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `Error: ${t}: post-processors[0].output: cannot tell the format of "x.rar"; end it with one of .tar.gz, .tgz, .tar.zst, .tar.xz, .tar.lz4, .tar, .gz, .zst, .xz, .lz4, .zip or set "format"`,
      `Error: ${t}: post-processors[1].checksum_types[1]: must be one of "md5", "sha1", "sha224", "sha256", "sha384", "sha512"`,
      `Error: ${t}: post-processors[2][0].strip_path: must be a boolean (true or false)`,
      `Error: ${t}: post-processors[2][1]: needs only one of "command", "inline", "script" or "scripts" (got "inline" and "script")`,
    ]);
  });

  it('accepts Packer-style post-processor blocks with their defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-e2e-pp-'));
    const t = join(dir, 'ok.json');
    writeFileSync(
      t,
      JSON.stringify({
        builders: [{ type: 'null', communicator: 'none' }],
        'post-processors': [
          [{ type: 'compress', compression_level: '9' }, { type: 'checksum', checksum_types: ['sha256'], output: 'out/{{.BuildName}}.{{.ChecksumType}}' }],
          { type: 'manifest', output: 'm.json', strip_path: 'true', custom_data: { commit: '{{user `c`}}' } },
          { type: 'shell-local', command: 'echo {{build_name}}' },
        ],
        variables: { c: 'abc123' },
      }),
    );
    const r = await runBake(['validate', t]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
