import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nova, Session } from '../../../src/cloud/openstack/index.js';
import { startFakeOpenstack, FakeState, type FakeOpenstack } from '../../fakes/openstack/index.js';

let cloud: FakeOpenstack;
let caPath: string;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bake-os-tls-'));
  caPath = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', caPath], { stdio: 'ignore' });
  cloud = await startFakeOpenstack(new FakeState(), { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(caPath, 'utf8') });
});
afterAll(() => cloud.close());

const auth = () => ({ authUrl: cloud.authUrl, username: 'demo', password: 'secret', projectName: 'demo', interface: 'public' as const });

describe('TLS options', () => {
  it('refuses a certificate it cannot verify', async () => {
    await expect(new Session(auth()).login()).rejects.toThrow(`openstack: POST ${cloud.url}/identity/v3/auth/tokens failed: self-signed certificate; give its CA with cacert (OS_CACERT), or set insecure`);
  });

  it('verifies against cacert', async () => {
    expect((await nova.listFlavors(new Session({ ...auth(), cacert: caPath }))).length).toBe(4);
  });

  it('skips verification with insecure', async () => {
    expect((await nova.listFlavors(new Session({ ...auth(), insecure: true }))).length).toBe(4);
  });

  it('names an unreadable cacert file', async () => {
    await expect(new Session({ ...auth(), cacert: '/nonexistent/ca.pem' }).login()).rejects.toThrow('openstack: cacert: cannot read /nonexistent/ca.pem: ENOENT');
  });
});
