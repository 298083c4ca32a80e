import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/index.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { startFakeOpenstack, type FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, installKeysOnBoot, openJournal, provisioningContext, resolved } from './harness.js';

let sshd: TestSshd;
let cloud: FakeOpenstack;
beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);
afterAll(() => sshd.stop());
beforeEach(async () => {
  cloud = await startFakeOpenstack();
  installKeysOnBoot(cloud, sshd);
});
afterEach(() => cloud.close());

describe('openstack builder against the fake cloud', () => {
  it('boots, provisions over SSH with a temporary key and a temporary floating IP, and makes a shared, tagged image', async () => {
    const outputs: string[] = [];
    const ctx = provisioningContext(outputs);
    const config = resolved(
      baseConfig(cloud, sshd, {
        floating_ip_network: 'public',
        networks: ['private'],
        image_members: ['proj-friend'],
        image_tags: ['golden', 'ci'],
        image_min_disk: 20,
        metadata: { os: 'alpine' },
      }),
    );
    const artifact = await new OpenstackBuilder(config).run(ctx);

    expect(outputs).toEqual(['provisioned-42']);
    const [image] = cloud.state.createdImages();
    expect(artifact?.id).toBe(image.id);
    expect(image).toMatchObject({ name: 'baked', status: 'active', visibility: 'shared', tags: ['golden', 'ci'], min_disk: 20 });
    expect(image.properties).toMatchObject({ os: 'alpine', 'bake:build-id': 'bake-test-0001' });
    expect(image.members).toEqual([{ member_id: 'proj-friend', status: 'pending' }]);
    const server = [...cloud.state.servers.values()][0];
    expect(server.metadata['bake:build-id']).toBe('bake-test-0001');
    expect(server.keyName).toBe('bake_bake-test-0001');
    expect(server.networks).toEqual(['net-private']);
    expect(cloud.state.leftovers()).toEqual([]);
    expect(openJournal(ctx)).toEqual([]);
    expect(cloud.state.requests).toContain('POST /network/v2.0/floatingips');
  });

  it('authenticates again when the token is revoked mid-build', async () => {
    cloud.state.faults.revokeTokensOn = /^POST \/compute\/v2\.1\/servers\/[^/]+\/action$/;
    const artifact = await new OpenstackBuilder(resolved(baseConfig(cloud, sshd))).run(provisioningContext([]));
    expect(artifact?.id).toBe(cloud.state.createdImages()[0].id);
    expect(cloud.state.requests.filter((r) => r === 'POST /identity/v3/auth/tokens')).toHaveLength(2);
    expect(cloud.state.leftovers()).toEqual([]);
  });

  it('boots from a Cinder volume and uploads the volume as the image', async () => {
    const ctx = provisioningContext([]);
    const artifact = await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { use_blockstorage_volume: true, volume_size: 8 }))).run(ctx);
    const [image] = cloud.state.createdImages();
    expect(artifact?.id).toBe(image.id);
    expect(image).toMatchObject({ status: 'active', min_disk: 8, disk_format: 'raw' });
    expect(image.properties['bake:build-id']).toBe('bake-test-0001');
    expect(cloud.state.leftovers()).toEqual([]);
    expect(openJournal(ctx)).toEqual([]);
  });

  it('uses an existing key pair and private key file, and skips the image when asked', async () => {
    cloud.state.keypairs.set('mine', sshd.publicKey);
    const ctx = provisioningContext([]);
    const config = resolved(baseConfig(cloud, sshd, { ssh_keypair_name: 'mine', ssh_private_key_file: sshd.privateKeyPath, skip_create_image: true }));
    expect(await new OpenstackBuilder(config).run(ctx)).toBeUndefined();
    expect(cloud.state.createdImages()).toEqual([]);
    expect([...cloud.state.keypairs.keys()]).toEqual(['mine']);
    expect(cloud.state.leftovers()).toEqual(['key pair mine']);
  });
});
