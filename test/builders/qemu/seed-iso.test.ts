import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { defaultMetaData, defaultUserData, makeIso } from '../../../src/builders/qemu/seed-iso.js';

describe('NoCloud seed', () => {
  it('creates the SSH user with passwordless sudo and the build key, password locked', () => {
    const doc = defaultUserData({ username: 'debian', publicKey: 'ssh-ed25519 AAAA bake-1', hostname: 'bake', instanceId: 'b-1' });
    expect(doc.startsWith('#cloud-config\n')).toBe(true);
    expect(parse(doc)).toEqual({
      users: [{ name: 'debian', sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', lock_passwd: true, ssh_authorized_keys: ['ssh-ed25519 AAAA bake-1'] }],
    });
    expect(parse(defaultMetaData({ username: 'u', hostname: 'bake', instanceId: 'b-1' }))).toEqual({ 'instance-id': 'b-1', 'local-hostname': 'bake' });
  });

  it('enables password login when the template gives ssh_password', () => {
    const doc = parse(defaultUserData({ username: 'ops', password: 'p:"w', hostname: 'bake', instanceId: 'b-1' }));
    expect(doc).toEqual({
      users: [{ name: 'ops', sudo: 'ALL=(ALL) NOPASSWD:ALL', shell: '/bin/bash', lock_passwd: false, plain_text_passwd: 'p:"w' }],
      ssh_pwauth: true,
    });
  });

  it('writes an ISO labelled cidata holding the documents and cd_files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-seed-'));
    writeFileSync(join(dir, 'extra.txt'), 'extra');
    const iso = join(dir, 'seed.iso');
    await makeIso(iso, 'cidata', { 'user-data': '#cloud-config\n', 'meta-data': 'instance-id: x\n' }, [join(dir, 'extra.txt')]);
    const listing = execFileSync('xorriso', ['-indev', iso, '-pvd_info', '-find', '/', '-type', 'f'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(listing).toMatch(/Volume Id\s*:\s*cidata/);
    expect(listing).toContain("'/user-data'");
    expect(listing).toContain("'/meta-data'");
    expect(listing).toContain("'/extra.txt'");
  });
});
