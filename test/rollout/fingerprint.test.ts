import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FINGERPRINT_TAG, RolloutClients, checkUnchanged, findByFingerprint, fingerprint, provisionedFiles } from '../../src/rollout/index.js';
import { installFakeAws, type FakeAws } from '../fakes/asg/index.js';

const template = {
  builders: [{ type: 'amazon-ebs', region: 'us-east-1', ami_name: 'web-{{timestamp}}', source_ami_filter: { filters: { name: 'debian-12-*' } } }],
  provisioners: [{ type: 'shell', script: 'setup.sh' }, { type: 'file', source: 'files/', destination: '/etc/app' }],
};

function project() {
  const dir = mkdtempSync(join(tmpdir(), 'bake-fp-'));
  writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\napt-get install -y nginx\n');
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'app.conf'), 'port=80\n');
  return dir;
}

const input = (dir: string, over: Partial<Parameters<typeof fingerprint>[0]> = {}) => ({
  template,
  variables: { env: 'prod' },
  files: ['setup.sh', 'files'],
  sourceImage: 'ami-0base0001',
  baseDir: dir,
  ...over,
});

describe('fingerprint', () => {
  it('is stable across runs and key order, and changes with a script, a provisioned file, a variable or the source AMI', () => {
    const dir = project();
    const first = fingerprint(input(dir));
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { provisioners: template.provisioners, builders: template.builders };
    expect(fingerprint(input(dir, { template: reordered, files: ['files', 'setup.sh', 'setup.sh'] }))).toBe(first);

    expect(fingerprint(input(dir, { sourceImage: 'ami-0base0002' }))).not.toBe(first);
    expect(fingerprint(input(dir, { variables: { env: 'staging' } }))).not.toBe(first);

    writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\napt-get install -y nginx-full\n');
    const edited = fingerprint(input(dir));
    expect(edited).not.toBe(first);
    chmodSync(join(dir, 'setup.sh'), 0o755);
    expect(fingerprint(input(dir))).not.toBe(edited);
    const executable = fingerprint(input(dir));
    writeFileSync(join(dir, 'files', 'extra.conf'), 'x=1\n');
    expect(fingerprint(input(dir))).not.toBe(executable);
  });

  it('names a missing provisioned file', () => {
    const dir = project();
    expect(() => fingerprint(input(dir, { files: ['setup.sh', 'missing.sh'] }))).toThrow(`fingerprint: provisioned file missing.sh not found (${join(dir, 'missing.sh')})`);
  });
});

describe('findByFingerprint', () => {
  let fake: { world: FakeAws; restore: () => void };
  beforeEach(() => {
    fake = installFakeAws();
  });
  afterEach(() => fake.restore());

  it('finds the newest available AMI with the fingerprint tag, and nothing for another fingerprint', async () => {
    fake.world.addImage('us-east-1', 'ami-0000000a', { created: '2026-01-01T00:00:00.000Z', tags: { [FINGERPRINT_TAG]: 'abc' } });
    fake.world.addImage('us-east-1', 'ami-0000000b', { created: '2026-02-01T00:00:00.000Z', tags: { [FINGERPRINT_TAG]: 'abc' } });
    fake.world.addImage('us-east-1', 'ami-0000000c', { created: '2026-03-01T00:00:00.000Z', tags: { [FINGERPRINT_TAG]: 'abc' }, state: 'pending' });
    const clients = new RolloutClients({ region: 'us-east-1' }, new AbortController().signal);
    expect(await findByFingerprint(clients, 'us-east-1', 'abc')).toEqual({ imageId: 'ami-0000000b', name: 'ami-0000000b' });
    expect(await findByFingerprint(clients, 'us-east-1', 'abd')).toBeUndefined();
    await clients.destroy();
  });
});

describe('skip-unchanged helpers', () => {
  it('lists the local files provisioners feed into the image', () => {
    expect(
      provisionedFiles([
        { type: 'shell', inline: ['true'] },
        { type: 'shell', script: 'a.sh' },
        { type: 'shell', scripts: ['b.sh', 'c.sh'] },
        { type: 'file', source: 'files/', destination: '/etc' },
        { type: 'file', sources: ['x', 'y'], destination: '/etc' },
        { type: 'file', source: '/var/log/syslog', destination: 'out/', direction: 'download' },
        { type: 'file', source: 'made-by-the-build.tar', destination: '/tmp/', generated: true },
        { type: 'shell-local', script: 'local.sh' },
        { type: 'state', state_file: 'states/web.yaml' },
      ]),
    ).toEqual(['a.sh', 'b.sh', 'c.sh', 'files/', 'x', 'y', 'local.sh', 'states']);
  });

  describe('checkUnchanged', () => {
    let fake: { world: FakeAws; restore: () => void };
    beforeEach(() => {
      fake = installFakeAws();
    });
    afterEach(() => fake.restore());

    it('finds the AMI of an unchanged build, and none after a script or the source AMI changed', async () => {
      const dir = project();
      const clients = new RolloutClients({ region: 'us-east-1' }, new AbortController().signal);
      const first = await checkUnchanged(clients, 'us-east-1', input(dir));
      expect(first.existing).toBeUndefined();
      fake.world.addImage('us-east-1', 'ami-0built01', { name: 'web-1', tags: { [FINGERPRINT_TAG]: first.fingerprint } });
      expect(await checkUnchanged(clients, 'us-east-1', input(dir))).toEqual({ fingerprint: first.fingerprint, existing: { imageId: 'ami-0built01', name: 'web-1' } });
      expect((await checkUnchanged(clients, 'us-east-1', input(dir, { sourceImage: 'ami-0base0002' }))).existing).toBeUndefined();
      writeFileSync(join(dir, 'setup.sh'), '#!/bin/sh\necho changed\n');
      expect((await checkUnchanged(clients, 'us-east-1', input(dir))).existing).toBeUndefined();
      await clients.destroy();
    });
  });
});
