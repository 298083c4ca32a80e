import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isolateAws } from '../../fakes/ec2/aws-env.js';
import { FakeEc2, installFakeEc2, OWNER } from '../../fakes/ec2/index.js';
import { makeBuildContext } from '../../helpers/context.js';
import { makeBuilder } from './setup.js';

let restore: () => void;
beforeAll(() => isolateAws());
afterEach(() => restore?.());

describe('amazon-ebs plan (dry run)', () => {
  it('describes source, names in every region, tags and sharing, with read-only calls only', async () => {
    const fake = new FakeEc2();
    ({ restore } = installFakeEc2(fake));
    const source = fake.addImage('us-east-1', 'ubuntu-noble', { tags: [{ Key: 'Distro', Value: 'noble' }] });
    const old = fake.addImage('eu-west-1', 'web-ubuntu-noble', { ownerId: OWNER });
    const builder = makeBuilder({
      region: 'us-east-1',
      source_ami_filter: { filters: { name: 'ubuntu-*' }, owners: ['099720109477'] },
      instance_type: 't3.micro',
      instance_types: ['t3a.micro'],
      ssh_username: 'ubuntu',
      ami_name: 'web-{{ .SourceAMIName }}',
      ami_regions: ['eu-west-1'],
      encrypt_boot: true,
      region_kms_key_ids: { 'eu-west-1': 'alias/eu' },
      ami_users: ['444455556666'],
      tags: { Distro: '{{ .SourceAMITags.Distro }}', Region: '{{ .BuildRegion }}' },
    });
    const lines = await builder.plan!(makeBuildContext());
    expect(lines).toEqual([
      `source AMI: ${source.id} "ubuntu-noble" in us-east-1`,
      'instance: t3.micro, t3a.micro (on-demand), IMDSv2 required',
      'AMI "web-ubuntu-noble" in us-east-1, encrypted: name free',
      '  tags: Distro=noble, Region=us-east-1',
      `AMI "web-ubuntu-noble" in eu-west-1, encrypted with alias/eu: name taken by ${old.id}: build would fail`,
      '  tags: Distro=noble, Region=us-east-1',
      'launch permissions: account 444455556666',
    ]);
    expect(fake.calls.filter((c) => !c.command.startsWith('Describe'))).toEqual([]);
  });
});
