import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import { plugin } from '../../../src/builders/qemu/index.js';
import type { QemuConfig } from '../../../src/builders/qemu/schema.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tpl' };
const resolve = (c: QemuConfig) => resolveQemuConfig(c, env);

describe('resolveQemuConfig', () => {
  it('applies defaults: bake base image, qcow2, auto accelerator, no conversion, username debian', () => {
    const r = resolve({});
    expect(r.source).toEqual({ kind: 'base' });
    expect(r).toMatchObject({
      format: 'qcow2',
      accelerator: 'auto',
      compact: false,
      compress: false,
      memoryMiB: 1024,
      cpus: Math.min(2, availableParallelism()),
      portMin: 2222,
      portMax: 4444,
      bootWaitMs: 0,
      shutdownTimeoutMs: 300_000,
      sshUsername: 'debian',
      cdLabel: 'cidata',
      diskInterface: 'virtio',
      netDevice: 'virtio-net',
    });
    expect(r.outputDir).toBeUndefined();
  });

  it('takes Packer durations, sizes and the old port option names', () => {
    const r = resolve({ boot_wait: '1m30s', shutdown_timeout: '45s', disk_size: '4G', ssh_host_port_min: 3000, ssh_host_port_max: 3010 });
    expect(r).toMatchObject({ bootWaitMs: 90_000, shutdownTimeoutMs: 45_000, diskSizeMiB: 4096, portMin: 3000, portMax: 3010 });
  });

  it('compacts when skip_compaction is false or disk_compression is on', () => {
    expect(resolve({ skip_compaction: false }).compact).toBe(true);
    expect(resolve({ disk_compression: true })).toMatchObject({ compact: true, compress: true });
  });

  it('parses iso_checksum forms', () => {
    const hex = 'a'.repeat(64);
    expect(resolve({ iso_url: 'x.qcow2', iso_checksum: `sha256:${hex}`, ssh_username: 'u' }).source).toEqual({
      kind: 'url',
      urls: ['x.qcow2'],
      checksum: { kind: 'digest', algorithm: 'sha256', hex },
    });
    expect(resolve({ iso_urls: ['a', 'b'], iso_checksum: 'none', ssh_username: 'u' }).source).toEqual({ kind: 'url', urls: ['a', 'b'], checksum: { kind: 'none' } });
    expect(resolve({ iso_url: 'a', iso_checksum: 'file:https://example.test/SHA256SUMS', ssh_username: 'u' }).source).toMatchObject({
      checksum: { kind: 'file', url: 'https://example.test/SHA256SUMS' },
    });
  });

  it.each([
    [{ disk_image: false }, 't.json: builders[0].iso_url: required with disk_image false (the installer ISO to boot)'],
    [{ disk_image: false, iso_url: 'd.iso', iso_checksum: 'none' }, 't.json: builders[0].ssh_username: required with iso_url (the user your installer config creates)'],
    [{ disk_image: false, iso_url: 'd.iso', iso_checksum: 'none', ssh_username: 'u', use_backing_file: true }, 't.json: builders[0].use_backing_file: only for disk images (disk_image true); an install starts from a blank disk'],
    [{ boot_command: ['<wait0>x', '<wait-1s>'] }, 't.json: builders[0].boot_command: <wait0>: a wait must be positive; <wait-1s>: a wait must be positive'],
    [{ boot_command: ['é'] }, 't.json: builders[0].boot_command: "é" cannot be typed: QEMU\'s keyboard has a US layout; put such text in a file served over HTTP'],
    [{ boot_steps: [['<tab>', 'menu'], ['<wait0>']] }, 't.json: builders[0].boot_steps[1]: <wait0>: a wait must be positive'],
    [{ boot_command: ['a'], boot_steps: [['b']] }, 't.json: builders[0].boot_steps: cannot be used with boot_command (as in Packer)'],
    [{ boot_command: ['url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg'] }, 't.json: builders[0].boot_command: uses {{ .HTTPIP }}/{{ .HTTPPort }} but nothing is served: set http_directory or http_content'],
    [{ http_directory: '/nonexistent-bake-dir' }, 't.json: builders[0].http_directory: /nonexistent-bake-dir is not a directory'],
    [{ http_directory: '/tmp', http_content: { '/a': 'b' } }, 't.json: builders[0].http_content: cannot be used with http_directory (as in Packer); put the files in the directory'],
    [{ http_content: { '/a': 'b' }, http_port_min: 9000, http_port_max: 8000 }, 't.json: builders[0].http_port_min: must be ≤ http_port_max (9000 > 8000)'],
    [{ iso_url: 'x.img', ssh_username: 'u' }, 't.json: builders[0].iso_checksum: required with iso_url (use "none" to skip verification)'],
    [{ iso_url: 'x.img', iso_checksum: 'sha256:abc', ssh_username: 'u' }, 't.json: builders[0].iso_checksum: a sha256 digest has 64 hex digits, got 3'],
    [{ iso_url: 'x.img', iso_checksum: 'crc:12', ssh_username: 'u' }, 't.json: builders[0].iso_checksum: must be "sha256:<hex>", "file:<url>" or "none"'],
    [{ iso_url: 'x.img', iso_checksum: 'none' }, 't.json: builders[0].ssh_username: required with iso_url (the user your image\'s cloud-init creates, e.g. "debian" or "ubuntu")'],
    [{ use_backing_file: true, format: 'raw' }, 't.json: builders[0].use_backing_file: needs format "qcow2"'],
    [{ disk_compression: true, format: 'raw' }, 't.json: builders[0].disk_compression: needs format "qcow2"'],
    [{ disk_size: 'big' }, 't.json: builders[0].disk_size: must be a size like "4G" or "4096M", got "big"'],
    [{ host_port_min: 5000, host_port_max: 4000 }, 't.json: builders[0].host_port_min: must be ≤ host_port_max (5000 > 4000)'],
    [{ host_port_max: 70000 }, 't.json: builders[0].host_port_max: must be ≤ 65535'],
    [{ user_data: '#cloud-config', cd_label: 'other' }, 't.json: builders[0].cd_label: must be "cidata" (or unset) when user_data or meta_data is given, so cloud-init finds the seed'],
  ] as [QemuConfig, string][])('refuses %j', (config, message) => {
    expect(() => resolve(config)).toThrow(message);
  });

  it('resolves an install from an ISO: blank disk of Packer\'s default size, no cloud-init seed, boot_command typed after Packer\'s 10s boot_wait', () => {
    const saved = process.env.PACKER_KEY_INTERVAL;
    delete process.env.PACKER_KEY_INTERVAL;
    try {
      const r = resolve({ disk_image: false, iso_url: 'd.iso', iso_checksum: 'none', ssh_username: 'u', ssh_password: 'p', http_directory: '/tmp', boot_command: ['<esc><wait>', 'auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg<enter>'] });
      expect(r).toMatchObject({ installFromIso: true, diskSizeMiB: 40960, cloudInitSeed: false, cdLabel: 'CDROM', bootWaitMs: 0 });
      expect(r.boot).toEqual({ steps: [{ keys: '<esc><wait>auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg<enter>' }], waitMs: 10_000, keyIntervalMs: 100, groupIntervalMs: 0 });
      expect(r.http).toEqual({ directory: '/tmp', portMin: 8000, portMax: 9000, bindAddress: '127.0.0.1' });
      process.env.PACKER_KEY_INTERVAL = '10ms';
      expect(resolve({ boot_command: ['x'], boot_wait: '3s' }).boot).toMatchObject({ waitMs: 3000, keyIntervalMs: 10 });
      expect(resolve({ boot_command: ['x'], boot_key_interval: '5ms' }).boot).toMatchObject({ keyIntervalMs: 5 });
      // A cloud image that serves its own seed over HTTP gets no bake seed; one that does not keeps it.
      expect(resolve({ http_content: { '/user-data': '#cloud-config' } }).cloudInitSeed).toBe(false);
      expect(resolve({ boot_command: ['<enter>'] })).toMatchObject({ cloudInitSeed: true, bootWaitMs: 0 });
    } finally {
      if (saved === undefined) delete process.env.PACKER_KEY_INTERVAL;
      else process.env.PACKER_KEY_INTERVAL = saved;
    }
  });

  it('checks ssh_* options when the template is read', () => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      expect(() => plugin.create({ ssh_agent_auth: true }, env)).toThrow('t.json: builders[0].ssh_agent_auth: SSH_AUTH_SOCK is not set; start ssh-agent or use a key file');
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });
});
