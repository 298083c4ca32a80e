import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glance, nova, resolveAuth, Session } from '../../../src/cloud/openstack/index.js';
import { startFakeOpenstack, type FakeOpenstack } from '../../fakes/openstack/index.js';

let cloud: FakeOpenstack;
beforeAll(async () => {
  cloud = await startFakeOpenstack();
});
afterAll(() => cloud.close());

const password = () => ({ authUrl: cloud.authUrl, username: 'demo', password: 'secret', projectName: 'demo', interface: 'public' as const });

describe('Session', () => {
  it('authenticates with a password and reaches Nova through the catalog', async () => {
    const s = new Session(password());
    const flavors = await nova.listFlavors(s);
    expect(flavors.map((f) => f.name)).toEqual(['m1.small', 'm1.medium', 'dup', 'dup']);
    expect(s.projectId).toBe('proj-0001');
    expect(cloud.state.requests.at(-1)).toBe('GET /compute/v2.1/flavors/detail');
  });

  it("shows Keystone's 401 plainly on a wrong password", async () => {
    const s = new Session({ ...password(), password: 'wrong' });
    await expect(nova.listFlavors(s)).rejects.toThrow(
      `openstack: authentication at ${cloud.authUrl} failed: The request you have made requires authentication. (HTTP 401)`,
    );
  });

  it('authenticates with an application credential (no scope sent)', async () => {
    const s = new Session({ authUrl: cloud.authUrl, applicationCredentialId: 'appcred-0001', applicationCredentialSecret: 'appcred-secret', interface: 'public' });
    expect((await s.login()).projectId).toBe('proj-0001');
  });

  it('authenticates with an existing token', async () => {
    const first = await new Session(password()).login();
    const s = new Session({ authUrl: cloud.authUrl, token: first.id, projectId: 'proj-0001', interface: 'internal' });
    expect((await nova.listFlavors(s)).length).toBe(4);
  });

  it('authenticates again once when a service answers 401 (token revoked or expired)', async () => {
    const s = new Session(password());
    await s.login();
    const before = cloud.state.requests.filter((r) => r.startsWith('POST /identity')).length;
    cloud.state.faults.revokeTokensOn = /GET \/image\/v2\/images$/;
    const images = await glance.listImages(s, { name: 'alpine' });
    expect(images.map((i) => i.id)).toEqual(['img-alpine']);
    expect(cloud.state.requests.filter((r) => r.startsWith('POST /identity')).length).toBe(before + 1);
  });

  it('names the region when the catalog has no endpoint there', async () => {
    const s = new Session({ ...password(), region: 'RegionTwo' });
    await expect(nova.listFlavors(s)).rejects.toThrow('openstack: the catalog has no public compute endpoint in region "RegionTwo" (regions: RegionOne)');
  });

  it("turns Nova's error envelope into one line", async () => {
    const s = new Session(password());
    await expect(nova.stopServer(s, 'nope')).rejects.toThrow('openstack: stop server nope: Instance nope could not be found. (HTTP 404)');
  });

  it("turns Glance's HTML error page into one line", async () => {
    const s = new Session(password());
    await expect(glance.updateImage(s, 'img-alpine', { visibility: 'everyone' })).rejects.toThrow(
      "openstack: update image img-alpine: 400 Bad Request Invalid value 'everyone' for parameter 'visibility' (HTTP 400)",
    );
  });

  it('requires an auth URL from somewhere', () => {
    expect(() => resolveAuth({ template: { username: 'demo' }, env: {} })).toThrow(
      'openstack: identity_endpoint is required (or set OS_AUTH_URL, or name a clouds.yaml entry with "cloud")',
    );
  });

  it('asks a busy API again (503) for a GET, but not for a POST', async () => {
    const s = new Session(password());
    cloud.state.faults.unavailable = { on: /^GET \/compute\/v2\.1\/flavors\/detail$/, times: 2 };
    expect(await nova.listFlavors(s)).toHaveLength(4);
    cloud.state.faults.unavailable = { on: /^POST \/compute\/v2\.1\/os-keypairs$/, times: 1 };
    await expect(nova.createKeyPair(s, 'k', 'ssh-ed25519 AAAA k')).rejects.toThrow(
      'openstack: create key pair k: 503 Service Unavailable The server is currently unavailable. Please try again at a later time. (HTTP 503)',
    );
    expect(cloud.state.keypairs.has('k')).toBe(false);
  });
});
