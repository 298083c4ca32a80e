import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import type { OpenstackConfig } from '../../../src/builders/openstack/index.js';
import type { TestSshd } from '../../helpers/sshd.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, openJournal, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd((s) => (sshd = s), (c) => (cloud = c));

async function failure(extra: Partial<OpenstackConfig>, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const ctx = provisioningContext([]);
  const err = await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, extra), env)).run(ctx).then(
    () => new Error('the build succeeded'),
    (e: Error) => e,
  );
  expect(cloud.state.leftovers()).toEqual([]);
  expect(cloud.state.createdImages()).toEqual([]);
  expect(openJournal(ctx)).toEqual([]);
  return err.message;
}

describe('openstack builder: bad input and cloud failures leave nothing behind', () => {
  it("shows Keystone's 401 for a wrong password", async () => {
    expect(await failure({ password: 'wrong' })).toBe(
      `openstack: authentication at ${cloud.authUrl} failed: The request you have made requires authentication. (HTTP 401)`,
    );
  });

  it('names an unknown clouds.yaml entry and the ones there are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-clouds-'));
    writeFileSync(join(dir, 'clouds.yaml'), `clouds:\n  fake:\n    auth:\n      auth_url: ${cloud.authUrl}\n`);
    expect(await failure({ identity_endpoint: undefined, cloud: 'prod' }, { OS_CLIENT_CONFIG_FILE: join(dir, 'clouds.yaml') })).toBe(
      `openstack: cloud "prod" is not in ${join(dir, 'clouds.yaml')} (it has: fake)`,
    );
  });

  it('refuses a flavor name that matches nothing or several', async () => {
    expect(await failure({ flavor: 'm9.huge' })).toBe('openstack: flavor "m9.huge" not found (flavors: m1.small, m1.medium, dup, dup)');
    expect(await failure({ flavor: 'dup' })).toBe('openstack: flavor "dup" matches 2 flavors (flv-dup-a, flv-dup-b); give its id');
  });

  it('refuses an image name that matches nothing or several, and picks the newest with most_recent', async () => {
    expect(await failure({ source_image_name: 'windows' })).toBe('openstack: no active image matches source_image_name "windows"');
    expect(await failure({ source_image_name: 'debian-12' })).toBe(
      'openstack: 2 images match source_image_name "debian-12" (img-debian-old, img-debian-new); give source_image (an id) or use source_image_filter with most_recent',
    );
    const artifact = await new OpenstackBuilder(
      resolved(baseConfig(cloud, sshd, { source_image_name: undefined, source_image_filter: { filters: { name: 'debian-12' }, most_recent: true } })),
    ).run(provisioningContext([]));
    expect(artifact?.metadata.source_image).toBe('img-debian-new');
  });

  it('names a network that does not exist before creating anything', async () => {
    expect(await failure({ networks: ['nowhere'] })).toBe('openstack: networks[0]: network "nowhere" not found');
    expect(cloud.state.requests.some((r) => r.startsWith('POST /compute'))).toBe(false);
  });

  it("shows Nova's quota error", async () => {
    cloud.state.faults.quotaExceeded = true;
    expect(await failure({})).toBe(
      'openstack: launch server: Quota exceeded for instances: Requested 1, but already used 10 of 10 instances (HTTP 403)',
    );
  });

  it("shows the fault message of a server that goes into ERROR", async () => {
    cloud.state.faults.serverError = 'No valid host was found. There are not enough hosts available.';
    expect(await failure({})).toMatch(/^openstack: server srv-\S+ went into ERROR: No valid host was found\. There are not enough hosts available\.$/);
  });

  it('deletes an image stuck in queued when the wait times out', async () => {
    cloud.state.faults.imageStuckQueued = true;
    expect(await failure({})).toMatch(/^timed out after 3s waiting for image img-\S+ to become active$/);
  });

  it('reports a 409 conflict plainly and still cleans up', async () => {
    cloud.state.faults.conflictOn = /^PUT \/network\/v2\.0\/floatingips\//;
    expect(await failure({ floating_ip_network: 'public' })).toMatch(
      /^openstack: associate floating IP fip-\S+: There was a conflict when trying to complete your request\. \(HTTP 409\)$/,
    );
  });

  it('refuses a floating IP network that is not external', async () => {
    expect(await failure({ floating_ip_network: 'private' })).toBe(
      'openstack: allocate a floating IP on network net-private: Bad floatingip request: Network net-private is not a valid external network. (HTTP 400)',
    );
  });
});

describe('openstack builder: a cleanup that fails', () => {
  it('names the resource left behind and the command that removes it, and keeps it in the journal', async () => {
    cloud.state.faults.conflictOn = /^DELETE \/compute\/v2\.1\/os-keypairs\//;
    const ctx = provisioningContext([]);
    const err = await new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run(ctx).then(() => undefined, (e: Error) => e);
    expect(err?.message).toBe(
      'cleanup of key pair failed: openstack: delete key pair bake_bake-test-0001: There was a conflict when trying to complete your request. (HTTP 409); remove it with: openstack keypair delete bake_bake-test-0001',
    );
    expect(cloud.state.leftovers()).toEqual(['key pair bake_bake-test-0001']);
    expect(openJournal(ctx)).toEqual(['openstack:key-pair bake_bake-test-0001']);
  });
});

describe('openstack builder: where credentials come from', () => {
  it('authenticates from OS_* variables alone', async () => {
    const env = { OS_AUTH_URL: cloud.authUrl, OS_USERNAME: 'demo', OS_PASSWORD: 'secret', OS_PROJECT_NAME: 'demo', OS_USER_DOMAIN_NAME: 'Default' };
    const config = resolved(baseConfig(cloud, sshd, { identity_endpoint: undefined, username: undefined, password: undefined, tenant_name: undefined }), env);
    expect((await new OpenstackBuilder(config).run(provisioningContext([])))?.id).toBe(cloud.state.createdImages()[0].id);
  });

  it('authenticates from a clouds.yaml entry with the password in secure.yaml, and an application credential', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-clouds-'));
    writeFileSync(join(dir, 'clouds.yaml'), `clouds:\n  fake:\n    auth:\n      auth_url: ${cloud.authUrl}\n      username: demo\n      project_name: demo\n    region_name: RegionOne\n`);
    writeFileSync(join(dir, 'secure.yaml'), 'clouds:\n  fake:\n    auth:\n      password: secret\n');
    const none = { identity_endpoint: undefined, username: undefined, password: undefined, tenant_name: undefined };
    const fromCloud = resolved(baseConfig(cloud, sshd, { ...none, cloud: 'fake' }), { HOME: dir });
    fromCloud.auth.cwd = dir;
    expect(await new OpenstackBuilder(fromCloud).run(provisioningContext([]))).toBeDefined();
    const appCred = resolved(baseConfig(cloud, sshd, { ...none, application_credential_id: 'appcred-0001', application_credential_secret: 'appcred-secret' }), {
      OS_AUTH_URL: cloud.authUrl,
    });
    expect(await new OpenstackBuilder(appCred).run(provisioningContext([]))).toBeDefined();
    expect(cloud.state.leftovers()).toEqual([]);
  });
});
