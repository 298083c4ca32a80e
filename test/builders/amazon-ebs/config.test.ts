import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AmazonEbsBuilder } from '../../../src/builders/amazon-ebs/index.js';
import { ErrorList } from '../../../src/core/errors.js';
import { registry } from '../../../src/plugins/registry.js';
import { loadTemplate } from '../../../src/template/index.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-ebs-config-'));

function load(builder: Record<string, unknown>) {
  const file = join(dir, 't.json');
  writeFileSync(file, JSON.stringify({ builders: [{ type: 'amazon-ebs', ...builder }] }));
  return loadTemplate(file, { registry, now: new Date('2026-01-02T03:04:05Z') });
}

function errorsOf(builder: Record<string, unknown>): string[] {
  try {
    load(builder);
  } catch (err) {
    if (err instanceof ErrorList) return err.messages.map((m) => m.replace(join(dir, 't.json'), 't.json'));
    throw err;
  }
  return [];
}

const base = {
  region: 'us-east-1',
  source_ami: 'ami-0123456789abcdef0',
  instance_type: 't3.micro',
  ssh_username: 'ubuntu',
  ami_name: 'web {{timestamp}}',
};

describe('amazon-ebs config', () => {
  it('accepts a typical Packer template and applies bake defaults', () => {
    const plan = load({ ...base, ami_regions: ['eu-west-1'], tags: { Base: '{{ .SourceAMI }}' }, run_tags: { Name: 'packer' } });
    const builder = plan.builds[0].builder as AmazonEbsBuilder;
    expect(builder.cfg.ami.name).toBe('web 1767323045');
    expect(builder.cfg.ami.tags).toEqual({ Base: '{{ .SourceAMI }}' });
    expect(builder.cfg.metadata).toEqual({ httpEndpoint: 'enabled', httpTokens: 'required', hopLimit: 1, instanceMetadataTags: 'disabled' });
    expect(builder.cfg.tempSgCidrs).toEqual(['0.0.0.0/0']);
    expect(builder.cfg.instancePolling).toEqual({ minDelayMs: 250, maxDelayMs: 15_000, maxWaitMs: 900_000 });
  });

  it('lays Packer\'s repeatable tag blocks over the tag maps (HCL2\'s tag { key value }, run_volume_tag { name value })', () => {
    const builder = load({
      ...base,
      tags: { A: '1', B: '2' },
      tag: [{ key: 'B', value: 'block' }, { key: 'C', value: '3' }],
      snapshot_tag: [{ key: 'S', value: 's' }],
      run_tag: [{ key: 'R', value: 'r' }],
      run_volume_tag: [{ name: 'V', value: 'v' }],
    }).builds[0].builder as AmazonEbsBuilder;
    expect(builder.cfg.ami.tags).toEqual({ A: '1', B: 'block', C: '3' });
    expect(builder.cfg.ami.snapshotTags).toEqual({ S: 's' });
    expect(builder.cfg.runTags).toEqual({ R: 'r' });
    expect(builder.cfg.runVolumeTags).toEqual({ V: 'v' });
    expect(errorsOf({ ...base, tag: [{ name: 'x', value: 'y' }] })).toEqual(['t.json: builders[0].tag[0].key: required', 't.json: builders[0].tag[0].name: unknown key']);
  });

  it('turns aws_polling into fixed-interval waits', () => {
    const builder = load({ ...base, aws_polling: { delay_seconds: 5, max_attempts: 40 } }).builds[0].builder as AmazonEbsBuilder;
    expect(builder.cfg.imagePolling).toEqual({ minDelayMs: 5000, maxDelayMs: 5000, maxWaitMs: 200_000 });
  });

  it.each([
    [{ region: 'us-east-7' }, 't.json: builders[0].region: unknown region "us-east-7" (set skip_region_validation for a region bake does not know)'],
    [{ ami_regions: ['eu-west-1', 'us-east-1'] }, 't.json: builders[0].ami_regions[1]: "us-east-1" is the build region, where the AMI is made anyway; remove it'],
    [{ ami_name: 'web:1' }, `t.json: builders[0].ami_name: contains ":": only letters, digits, spaces and ( ) [ ] . / - ' @ _ are allowed (clean_resource_name helps)`],
    [{ ami_name: 'x'.repeat(129) }, 't.json: builders[0].ami_name: must be at most 128 characters (it is 129)'],
    [{ kms_key_id: 'alias/k' }, 't.json: builders[0].kms_key_id: needs "encrypt_boot": true'],
    [{ region_kms_key_ids: { 'eu-west-1': 'alias/k' } }, 't.json: builders[0].region_kms_key_ids.eu-west-1: "eu-west-1" is not in ami_regions'],
    [{ source_ami: undefined }, 't.json: builders[0].source_ami: one of source_ami or source_ami_filter is required'],
    [{ instance_type: undefined }, 't.json: builders[0].instance_type: required'],
    [{ ssh_username: undefined }, 't.json: builders[0].ssh_username: required to connect over SSH (or set "communicator": "none")'],
    [{ spot_price: 'cheap' }, 't.json: builders[0].spot_price: must be "auto" or a price like "0.05", not "cheap"'],
    [{ spot_price: 'auto', disable_stop_instance: true }, 't.json: builders[0].disable_stop_instance: a one-time spot instance cannot be stopped; remove disable_stop_instance or spot_price'],
    [{ ssh_interface: 'session_manager' }, 't.json: builders[0].ssh_interface: "session_manager" is not supported yet; use public_ip or private_ip (with ssh_bastion_host if needed)'],
    [{ ami_description: 'from {{ .SourceAMI }}', ami_name: 'x' }, "t.json: builders[0].ami_name: must be at least 3 characters"],
    [{ ssh_keypair_name: 'mine' }, 't.json: builders[0].ssh_private_key_file: required with ssh_keypair_name (or set ssh_agent_auth)'],
  ])('refuses %j before creating anything', (change, message) => {
    expect(errorsOf({ ...base, ...change })).toEqual([message]);
  });

  it('suggests the option meant for a misspelt key', () => {
    expect(errorsOf({ ...base, ami_regoins: ['eu-west-1'] })).toEqual([expect.stringMatching(/^t\.json: builders\[0\]\.ami_regoins: .*ami_regions/)]);
  });

  it('accepts an unknown region with skip_region_validation', () => {
    expect(errorsOf({ ...base, region: 'moon-1', skip_region_validation: true })).toEqual([]);
  });

  it('refuses a Packer option that would change the image and names why', () => {
    expect(errorsOf({ ...base, placement: { tenancy: 'dedicated' } })).toEqual([
      "t.json: builders[0].placement: not supported by bake's amazon-ebs builder: placement (host resource groups, tenancy) is not supported yet",
    ]);
  });

  it('warns about a Packer option whose absence cannot change the image', () => {
    expect(load({ ...base, decode_authorization_messages: true }).warnings).toEqual([
      `${join(dir, 't.json')}: builders[0].decode_authorization_messages: not supported by bake's amazon-ebs builder: authorization messages are shown as EC2 returns them (ignored)`,
    ]);
  });
});
