import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { startEc2Server, type Ec2Server } from '../../fakes/ec2/index.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { ebsConfig, ebsContext, makeBuilder } from './setup.js';

let sshd: TestSshd;
let server: Ec2Server;

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
});
afterAll(async () => sshd?.stop());
afterEach(() => server?.close());

describe('amazon-ebs against an EC2-compatible endpoint (real SDK over HTTP, Query protocol)', () => {
  it('bakes through custom_endpoint_ec2, one endpoint serving every region', async () => {
    server = await startEc2Server();
    const { fake } = server;
    fake.onKeyImported = (publicKey) => appendFileSync(join(sshd.dir, 'authorized_keys'), `${publicKey}\n`);
    const source = fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble', { tags: [{ Key: 'Distro', Value: 'noble' }] });
    let said = '';
    const config = ebsConfig(sshd, {
      custom_endpoint_ec2: server.url,
      ami_regions: ['eu-west-1'],
      encrypt_boot: true,
      ami_users: ['444455556666'],
      tags: { Base: '{{ .SourceAMITags.Distro }}' },
    });
    const artifact = await makeBuilder(config).run(ebsContext(async (comm) => void (await comm.exec('echo over-http', { stdout: (l) => (said = l) }))));
    expect(said).toBe('over-http');
    expect(Object.keys(artifact!.images)).toEqual(['us-east-1', 'eu-west-1']);
    expect(fake.images.get(artifact!.images['eu-west-1'])!.tags).toContainEqual({ Key: 'Base', Value: 'noble' });
    expect(fake.calls.find((c) => c.command === 'RunInstances')!.input).toMatchObject({ ImageId: source.id, MetadataOptions: { HttpTokens: 'required' } });
    expect(new Set(fake.calls.map((c) => c.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(fake.bakeTagged()).toEqual([]);
  });
});
