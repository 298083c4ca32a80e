import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import type { Ec2Server, Emulation } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

// The real CLI against the HTTP EC2 fake answering as moto 5 does (the engine of LocalStack's EC2):
// HTTP 500 with an HTML page for what it does not implement, CopyImage's TagSpecifications ignored.
const aws = ec2WithSshd();
let server: Ec2Server | undefined;
let dir: string;

afterEach(() => server?.close());

async function emulator(emulation: Emulation): Promise<Ec2Server> {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-emulator-'));
  const s = await aws.startServer(emulation);
  s.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble');
  return s;
}

function template(endpoint: string): string {
  const file = join(dir, 'packer.json');
  const builder = {
    type: 'amazon-ebs',
    custom_endpoint_ec2: endpoint,
    ...ebsSshBuilder(aws.sshd),
    ami_name: 'web-{{timestamp}}',
    ami_regions: ['eu-west-1', 'ap-southeast-2'],
    ami_users: ['444455556666'],
    tags: { Name: 'web', Region: '{{ .BuildRegion }}' },
    snapshot_tags: { Backup: 'weekly', Name: 'web-root' },
  };
  writeFileSync(file, JSON.stringify({ builders: [builder] }));
  return file;
}

describe('bake build against an AWS emulator (moto 5 behaviour, CLI)', () => {
  it('bakes in three regions with tags, snapshot_tags and ami_users, tagging snapshots once the image exists', async () => {
    server = await emulator({ moto: true });
    const run = await runBake(['build', template(server.url)], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 90_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const fake = server.fake;
    const images = [...fake.images.values()].filter((i) => i.name.startsWith('web-'));
    expect(images.map((i) => i.region).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    for (const image of images) {
      // The copies too end with bake's own tags, though moto ignores CopyImage's TagSpecifications.
      const byKey = (tags: { Key?: string; Value?: string }[]) => Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
      // bake:sbom-sha256 and bake:packages-sha256 name the SBOM bake wrote for the image (docs/supply-chain.md).
      expect(byKey(image.tags)).toEqual({
        Name: 'web',
        Region: 'us-east-1',
        'bake:template': 'packer.json',
        'bake:build': 'amazon-ebs',
        'bake:sbom-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
        'bake:packages-sha256': expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(image.launchPermissions).toEqual([{ UserId: '444455556666' }]);
      // As Packer 1.6.6 leaves them on moto: `tags`, then snapshot_tags winning.
      expect(byKey(fake.snapshots.get(image.snapshots[0])!.tags)).toEqual({
        Name: 'web-root',
        Region: 'us-east-1',
        Backup: 'weekly',
        'bake:template': 'packer.json',
        'bake:build': 'amazon-ebs',
      });
    }
    const createImage = fake.callsOf('CreateImage')[0].input;
    expect((createImage.TagSpecifications as { ResourceType: string }[]).map((s) => s.ResourceType)).toEqual(['image']);
    expect(fake.bakeTagged()).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });

  it('an HTML error page fails the build with one line (status, endpoint, the page\'s first line) and cleans up', async () => {
    server = await emulator({ htmlErrorOn: ['CreateImage'] });
    const run = await runBake(['build', template(server.url)], { cwd: dir, env: { BAKE_CACHE_DIR: dir }, timeoutMs: 90_000 });
    expect(run.code).not.toBe(0);
    const errors = run.stdout.split('\n').filter((l) => l.includes('answered'));
    expect(errors).toHaveLength(2);
    for (const line of errors) {
      expect(line).toMatch(
        new RegExp(`amazon-ebs: create AMI web-\\d+: ${server.url.replace(/\./g, '\\.')} answered HTTP 500 that is not an AWS response \\(text/html\\): "500 Internal Server Error"$`),
      );
    }
    expect(run.stdout).not.toMatch(/mismatched|XML|Deserialization/);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });
});
