import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataSources } from '../../src/datasources/index.js';
import { installFakeEc2 } from '../fakes/ec2/index.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';

const ctx = { signal: new AbortController().signal, templateDir: '/tpl' };
const ami = dataSources.get('amazon-ami')!;
let ec2: ReturnType<typeof installFakeEc2>;

beforeAll(() => {
  isolateAws();
  ec2 = installFakeEc2();
});
afterAll(() => ec2.restore());

describe('amazon-ami data source', () => {
  it('finds the newest AMI the filters and owners select, through every page, with its tags', async () => {
    const { fake } = ec2;
    fake.addImage('eu-west-1', 'ubuntu/jammy-20240101', { creationDate: '2024-01-01T00:00:00.000Z' });
    const newest = fake.addImage('eu-west-1', 'ubuntu/jammy-20240301', { creationDate: '2024-03-01T00:00:00.000Z', tags: [{ Key: 'os', Value: 'ubuntu' }] });
    fake.addImage('eu-west-1', 'ubuntu/jammy-20240201', { creationDate: '2024-02-01T00:00:00.000Z' });
    fake.addImage('us-east-1', 'ubuntu/jammy-20250101', { creationDate: '2025-01-01T00:00:00.000Z' });
    const out = await ami.read({ region: 'eu-west-1', filters: { name: 'ubuntu/jammy-*' }, owners: ['099720109477'], most_recent: true }, ctx);
    expect(out).toEqual({ id: newest.id, name: 'ubuntu/jammy-20240301', creation_date: '2024-03-01T00:00:00.000Z', owner: '099720109477', owner_name: '', tags: { os: 'ubuntu' } });
    expect(Object.keys(out).sort()).toEqual([...ami.outputs].sort());
    // Three matches over two pages of two: the NextToken was followed.
    expect(fake.calls.filter((c) => c.command === 'DescribeImages').length).toBeGreaterThanOrEqual(2);
  });

  it('says what to change, as source_ami_filter does, when several or none match', async () => {
    await expect(ami.read({ region: 'eu-west-1', filters: { name: 'ubuntu/jammy-*' }, owners: ['099720109477'] }, ctx)).rejects.toThrow(
      /^amazon-ami: 3 AMIs match, set "most_recent": true or narrow the filters: ami-\w+ "ubuntu\/jammy-20240301"/,
    );
    await expect(ami.read({ region: 'eu-west-1', filters: { name: 'debian-*' }, owners: ['amazon'] }, ctx)).rejects.toThrow(
      'amazon-ami: no AMI in eu-west-1 matches {"name":"debian-*"} owned by amazon',
    );
  });

  it('takes the region from AWS_REGION, and needs one', async () => {
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
    try {
      process.env.AWS_REGION = 'us-east-1';
      expect((await ami.read({ filters: { name: 'ubuntu/*' }, owners: ['099720109477'] }, ctx)).name).toBe('ubuntu/jammy-20250101');
      delete process.env.AWS_REGION;
      delete process.env.AWS_DEFAULT_REGION;
      await expect(ami.read({ filters: { name: 'ubuntu/*' }, owners: ['099720109477'] }, ctx)).rejects.toThrow('amazon-ami: region: required (or set AWS_REGION)');
    } finally {
      Object.assign(process.env, Object.fromEntries(Object.entries(saved).filter(([, v]) => v !== undefined)));
    }
  });
});
