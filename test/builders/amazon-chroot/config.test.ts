import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAmazonChroot } from '../../../src/builders/amazon-chroot/index.js';
import { DeviceLocks } from '../../../src/builders/amazon-chroot/device-lock.js';
import { nvmeDeviceOf } from '../../../src/builders/amazon-chroot/find-device.js';
import { hostInstance } from '../../../src/cloud/aws/index.js';
import { type ImdsServer, startImds } from '../../helpers/imds-server.js';
import { runBake } from '../../helpers/run-bake.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tmp' };
const source = { source_ami: 'ami-0123456789abcdef0' };

describe('amazon-chroot config', () => {
  it('defaults: gp2 volume, hvm, partition 1, the host\'s resolv.conf, region from metadata', () => {
    const c = resolveAmazonChroot({ ami_name: 'web', ...source }, env);
    expect(c).toMatchObject({ region: '', regionGiven: false, fromScratch: false, volume: { type: 'gp2' }, register: { virtualizationType: 'hvm' }, mount: { mountPartition: 1, copyFiles: ['/etc/resolv.conf'] } });
  });

  it.each([
    [{ from_scratch: true, root_device_name: '/dev/xvda', pre_mount_commands: ['x'] }, 't.json: builders[0].root_volume_size: required with from_scratch: the size of the empty volume in GiB'],
    [{ from_scratch: true, root_volume_size: 8, pre_mount_commands: ['x'] }, 't.json: builders[0].root_device_name: required with from_scratch, e.g. "/dev/xvda"'],
    [{ from_scratch: true, root_volume_size: 8, root_device_name: '/dev/xvda' }, 't.json: builders[0].pre_mount_commands: required with from_scratch: they partition and format the empty volume ({{.Device}})'],
    [{ from_scratch: true, ...source }, 't.json: builders[0].from_scratch: give from_scratch or a source AMI (source_ami, source_ami_filter), not both'],
    [{ ...source, root_volume_kms_key_id: 'k' }, 't.json: builders[0].root_volume_kms_key_id: needs "root_volume_encrypt_boot": true'],
    [{ ...source, tpm_support: 'v2.0' as const }, 't.json: builders[0].tpm_support: needs "boot_mode": "uefi"'],
    [{ ...source, device_path: 'xvdf' }, 't.json: builders[0].device_path: must be an absolute path like "/dev/xvdf", got "xvdf"'],
    [{ ...source, region: 'mars-north-1' }, 't.json: builders[0].region: unknown region "mars-north-1"'],
    [{}, 't.json: builders[0].source_ami: one of source_ami or source_ami_filter is required'],
  ])('refuses %j', (config, message) => {
    expect(() => resolveAmazonChroot({ ami_name: 'web', ...config }, env)).toThrow(message);
  });
});

describe('amazon-chroot through bake validate', () => {
  it('refuses manual_mount_command with the reason, and warns about SSH options that mean nothing here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-amazon-chroot-validate-'));
    const template = join(dir, 't.json');
    writeFileSync(template, JSON.stringify({ builders: [{ type: 'amazon-chroot', ami_name: 'web', source_ami: 'ami-1', ssh_username: 'admin', manual_mount_command: 'mount {{.Device}}' }] }));
    const r = await runBake(['validate', template]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('builders[0].manual_mount_command');
    expect(r.stdout + r.stderr).toContain('private namespace');
  });
});

describe('device letters and devices', () => {
  it('a letter is locked once across processes; a lock whose process is gone is taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-locks-'));
    const a = new DeviceLocks(dir);
    expect(a.tryLock('sdf')).toBe(true);
    expect(new DeviceLocks(dir).tryLock('sdf')).toBe(false);
    a.unlock('sdf');
    expect(a.tryLock('sdf')).toBe(true);
    writeFileSync(join(dir, 'sdg'), '2147483646');
    expect(a.tryLock('sdg')).toBe(true);
    expect(readFileSync(join(dir, 'sdg'), 'utf8')).toBe(String(process.pid));
  });

  it('finds the NVMe namespace whose serial is the volume id, as Nitro instances show EBS volumes', () => {
    const sys = mkdtempSync(join(tmpdir(), 'bake-sysblock-'));
    for (const [name, serial] of [['nvme0n1', 'vol0aaaaaaaaaaaaaaaa'], ['nvme1n1', 'vol0123456789abcdef0\n']]) {
      const d = join(sys, name, 'device');
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'serial'), serial);
    }
    expect(nvmeDeviceOf('vol-0123456789abcdef0', sys)).toBe('/dev/nvme1n1');
    expect(nvmeDeviceOf('vol-0fffffffffffffff0', sys)).toBeUndefined();
  });
});

describe('instance metadata', () => {
  let imds: ImdsServer;
  beforeAll(async () => {
    imds = await startImds({ 'instance-id': 'i-0abc', 'placement/availability-zone': 'eu-west-1c', 'placement/region': 'eu-west-1' });
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.url;
  });
  afterAll(async () => {
    delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    await imds.close();
  });

  it('reads the host through IMDSv2: a token first, then each answer with it', async () => {
    expect(await hostInstance(AbortSignal.timeout(10_000))).toEqual({ instanceId: 'i-0abc', availabilityZone: 'eu-west-1c', region: 'eu-west-1' });
    expect(imds.requests[0]).toMatchObject({ method: 'PUT', path: '/latest/api/token' });
    const gets = imds.requests.filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.path)).toEqual(['/latest/meta-data/instance-id', '/latest/meta-data/placement/availability-zone', '/latest/meta-data/placement/region']);
    expect(gets.every((r) => r.token)).toBe(true);
  });

  it('an answer that is not metadata (an HTML page) is one line saying what came back', async () => {
    const html = await startImds({ 'instance-id': '<html><body>Proxy error</body></html>' });
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = html.url;
    try {
      await expect(hostInstance(AbortSignal.timeout(10_000))).rejects.toThrow(/^instance metadata instance-id: expected .*, the metadata service answered "<html><body>Proxy error/);
    } finally {
      process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.url;
      await html.close();
    }
  });
});
