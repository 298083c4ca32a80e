import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/artifact.js';
import { ManifestPostProcessor, plugin, RUN_UUID, type ManifestConfig } from '../../../src/postprocessors/manifest/index.js';
import { makePostProcessContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'post-processors[0]', templateDir: '.' };
const tmp = () => mkdtempSync(join(tmpdir(), 'bake-manifest-'));

function artifact(dir: string): Artifact {
  writeFileSync(join(dir, 'disk.qcow2'), Buffer.alloc(1234));
  writeFileSync(join(dir, 'disk.sha256'), 'abc');
  return {
    builderType: 'qemu',
    buildName: 'web',
    id: join(dir, 'disk.qcow2'),
    files: [join(dir, 'disk.qcow2'), join(dir, 'disk.sha256')],
    images: {},
    metadata: {},
    description: '',
  };
}

describe('manifest post-processor', () => {
  it("writes Packer's format and appends a second run, moving last_run_uuid", async () => {
    const dir = tmp();
    const output = join(dir, 'out', 'packer-manifest.json');
    const a = artifact(dir);
    const ctx = makePostProcessContext({ buildName: 'web', buildType: 'qemu' });
    const before = Math.floor(Date.now() / 1000);
    const first = new ManifestPostProcessor({ output, stripPath: false, stripTime: false, customData: { team: 'sre' } }, 'run-1');
    const result = await first.run(ctx, a);
    expect(result).toEqual({ artifact: a, forceKeepInput: true });
    const one = JSON.parse(readFileSync(output, 'utf8'));
    expect(Object.keys(one.builds[0])).toEqual(['name', 'builder_type', 'build_time', 'files', 'artifact_id', 'packer_run_uuid', 'custom_data']);
    expect(one.builds[0].build_time).toBeGreaterThanOrEqual(before);
    expect(one).toEqual({
      builds: [
        {
          name: 'web',
          builder_type: 'qemu',
          build_time: one.builds[0].build_time,
          files: [
            { name: join(dir, 'disk.qcow2'), size: 1234 },
            { name: join(dir, 'disk.sha256'), size: 3 },
          ],
          artifact_id: join(dir, 'disk.qcow2'),
          packer_run_uuid: 'run-1',
          custom_data: { team: 'sre' },
        },
      ],
      last_run_uuid: 'run-1',
    });
    await new ManifestPostProcessor({ output, stripPath: true, stripTime: true }, 'run-2').run(ctx, a);
    const two = JSON.parse(readFileSync(output, 'utf8'));
    expect(two.builds).toHaveLength(2);
    expect(two.builds[0]).toEqual(one.builds[0]);
    expect(two.builds[1]).toEqual({
      name: 'web',
      builder_type: 'qemu',
      files: [
        { name: 'disk.qcow2', size: 1234 },
        { name: 'disk.sha256', size: 3 },
      ],
      artifact_id: join(dir, 'disk.qcow2'),
      packer_run_uuid: 'run-2',
    });
    expect(two.last_run_uuid).toBe('run-2');
  });

  it('records the SSH host key the build verified (bake\'s addition to Packer\'s format)', async () => {
    const dir = tmp();
    const output = join(dir, 'm.json');
    const sshHostKey = { host: '[127.0.0.1]:2222', fingerprint: 'SHA256:ND7ZN+PjaWL0aJGCnYBj6Ct1V1VCCxabcdefghijklm', type: 'ED25519', method: 'pinned' as const };
    await new ManifestPostProcessor({ output, stripPath: true, stripTime: true }, 'run-3').run(makePostProcessContext({ buildName: 'web', buildType: 'qemu', sshHostKey }), artifact(dir));
    expect(JSON.parse(readFileSync(output, 'utf8')).builds[0].ssh_host_key).toEqual({ fingerprint: sshHostKey.fingerprint, method: 'pinned' });
  });

  it('keeps every entry when parallel builds append at once, and uses one run id per process', async () => {
    const dir = tmp();
    const output = join(dir, 'm.json');
    const p = plugin.create({ output, strip_time: true } as ManifestConfig, env);
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => p.run(makePostProcessContext({ buildName: `b${i}` }), { ...artifact(dir), id: `id-${i}` })),
    );
    const m = JSON.parse(readFileSync(output, 'utf8'));
    expect(m.builds.map((b: { name: string }) => b.name).sort()).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7']);
    expect(new Set(m.builds.map((b: { packer_run_uuid: string }) => b.packer_run_uuid))).toEqual(new Set([RUN_UUID]));
    expect(m.last_run_uuid).toBe(RUN_UUID);
  });

  it('redacts sensitive values and refuses to overwrite a file that is not a manifest', async () => {
    const dir = tmp();
    const output = join(dir, 'm.json');
    const ctx = makePostProcessContext();
    ctx.bus.addSecret('hunter22');
    await new ManifestPostProcessor({ output, stripPath: true, stripTime: true, customData: { token: 'x-hunter22-y' } }).run(ctx, artifact(dir));
    expect(JSON.parse(readFileSync(output, 'utf8')).builds[0].custom_data).toEqual({ token: 'x-<sensitive>-y' });
    writeFileSync(output, '{"builds": 3}');
    await expect(new ManifestPostProcessor({ output, stripPath: false, stripTime: false }).run(ctx, artifact(dir))).rejects.toThrow(
      `manifest ${output}: not a manifest (no "builds" list); move it away or choose another "output"`,
    );
  });
});
