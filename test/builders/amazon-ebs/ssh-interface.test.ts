import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import type { AmazonEbsBuilder } from '../../../src/builders/amazon-ebs/index.js';
import { sshAddress } from '../../../src/builders/amazon-ebs/step-provision.js';
import { makeBuilder } from './setup.js';

/** An instance whose four addresses all differ, so a mix-up shows. */
const instance: Instance = {
  InstanceId: 'i-1',
  PublicIpAddress: '203.0.113.10',
  PrivateIpAddress: '10.0.1.20',
  PublicDnsName: 'ec2-203-0-113-10.compute-1.amazonaws.com',
  PrivateDnsName: 'ip-10-0-1-20.ec2.internal',
};

const cfg = (extra: Record<string, unknown>) =>
  (makeBuilder({ region: 'us-east-1', source_ami: 'ami-1', instance_type: 't3.micro', ami_name: 'web-image', ssh_username: 'ubuntu', ...extra }) as AmazonEbsBuilder).cfg;

describe('ssh_interface picks the address it names', () => {
  it.each([
    ['public_ip', '203.0.113.10'],
    ['private_ip', '10.0.1.20'],
    ['public_dns', 'ec2-203-0-113-10.compute-1.amazonaws.com'],
    ['private_dns', 'ip-10-0-1-20.ec2.internal'],
  ])('%s → %s', (iface, address) => {
    expect(sshAddress(cfg({ ssh_interface: iface }), instance)).toBe(address);
  });

  it('without ssh_interface: the public address, else the private one; ssh_host wins over both', () => {
    expect(sshAddress(cfg({}), instance)).toBe('203.0.113.10');
    expect(sshAddress(cfg({}), { ...instance, PublicIpAddress: undefined })).toBe('10.0.1.20');
    expect(sshAddress(cfg({ ssh_host: 'bastion.example', ssh_interface: 'private_ip' }), instance)).toBe('bastion.example');
  });

  it('says which address is missing', () => {
    expect(() => sshAddress(cfg({ ssh_interface: 'public_dns' }), { ...instance, PublicDnsName: '' })).toThrow(
      'amazon-ebs: instance i-1 has no public_dns address to connect to; set ssh_interface or associate_public_ip_address',
    );
  });
});
