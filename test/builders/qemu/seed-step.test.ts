import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { plugin } from '../../../src/builders/qemu/plugin.js';
import { resolveQemuConfig } from '../../../src/builders/qemu/resolve.js';
import type { QemuConfig } from '../../../src/builders/qemu/schema.js';
import { seedStep } from '../../../src/builders/qemu/steps/seed.js';
import { makeBuildContext } from '../../helpers/context.js';

const dir = mkdtempSync(join(tmpdir(), 'bake-seed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seed(config: QemuConfig) {
  const work = mkdtempSync(join(dir, 'work-'));
  const c = resolveQemuConfig(config, { file: 't.json', path: 'builders[0]', templateDir: dir });
  const out = await seedStep(c).run(makeBuildContext(), { workDir: work, outputDir: dir, imagePath: join(dir, 'x') });
  const files = out.seedIso ? readdirSync(`${out.seedIso}.d`).sort() : [];
  return { out, files, read: (name: string) => readFileSync(join(`${out.seedIso}.d`, name), 'utf8') };
}

describe('seedStep', () => {
  it('makes bake\'s NoCloud seed on a cloud-image build that serves nothing over HTTP', async () => {
    const { out, files, read } = await seed({});
    expect(files).toEqual(['bake-host-key', 'bake-host-key.pub', 'meta-data', 'user-data']);
    expect(read('user-data')).toContain(out.publicKey!);
  });

  it('gives the guest a fresh ed25519 host key on the CD, outside the user-data cloud-init keeps, the key the build then pins', async () => {
    const { out, files, read } = await seed({});
    const userData = read('user-data');
    expect(files).toEqual(['bake-host-key', 'bake-host-key.pub', 'meta-data', 'user-data']);
    expect(out.hostPublicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\S{43} bake-host-bake-test-0001$/);
    expect(read('bake-host-key.pub')).toBe(`${out.hostPublicKey}\n`);
    expect(read('bake-host-key')).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(userData).not.toContain('PRIVATE KEY');
    expect(userData).not.toContain(out.hostPublicKey!.split(' ')[1]);
    expect(userData).toContain('bootcmd:\n  - [sh, -c, "rm -f /etc/ssh/ssh_host_*; set -e; d=$(mktemp -d); mount -o ro \\"$(blkid -L cidata)\\" \\"$d\\"; install -m 600 \\"$d/bake-host-key\\" /etc/ssh/ssh_host_ed25519_key;');
    expect(userData).toContain('ssh_deletekeys: false\nssh_genkeytypes: []\n');
    // Each build its own key.
    expect((await seed({})).out.hostPublicKey).not.toBe(out.hostPublicKey);
  });

  it('pins nothing where the template brings its own user-data or chooses another check', async () => {
    expect((await seed({ user_data: '#cloud-config\n' })).out.hostPublicKey).toBeUndefined();
    expect((await seed({ cd_content: { 'user-data': '#cloud-config\n' } })).out.hostPublicKey).toBeUndefined();
    expect((await seed({ ssh_host_key_check: 'tofu' })).out.hostPublicKey).toBeUndefined();
    expect(() => plugin.create({ user_data: '#cloud-config\n', ssh_host_key_check: 'pin' }, { file: 't.json', path: 'builders[0]', templateDir: dir })).toThrow(
      't.json: builders[0].ssh_host_key_check: "pin" needs a host key bake gives the machine itself (qemu builds with bake\'s cloud-init seed); use "known_hosts", "tofu" or "insecure"',
    );
  });

  it('leaves the seed to a template that serves one over HTTP, offering the temporary key as {{ .SSHPublicKey }}', async () => {
    const { out, files } = await seed({ http_content: { '/user-data': '#cloud-config' } });
    expect(out.seedIso).toBeUndefined();
    expect(files).toEqual([]);
    expect(out.publicKey).toMatch(/^ssh-ed25519 \S+ bake-bake-test-0001$/);
    expect(out.privateKey).toContain('PRIVATE KEY');
  });

  it('puts only cd_files and cd_content on an install\'s CD, and makes no key when a password is given', async () => {
    const { out, files, read } = await seed({ disk_image: false, iso_url: 'd.iso', iso_checksum: 'none', ssh_username: 'u', ssh_password: 'p', cd_content: { 'ks.cfg': 'text\n' } });
    expect(files).toEqual(['ks.cfg']);
    expect(read('ks.cfg')).toBe('text\n');
    expect(out.publicKey).toBeUndefined();
    expect(existsSync(out.seedIso!)).toBe(true);
    expect((await seed({ disk_image: false, iso_url: 'd.iso', iso_checksum: 'none', ssh_username: 'u', ssh_password: 'p' })).out).toEqual({});
  });
});
