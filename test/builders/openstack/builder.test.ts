import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OpenstackBuilder } from '../../../src/builders/openstack/builder.js';
import { makeBuildContext } from '../../helpers/context.js';
import type { TestSshd } from '../../helpers/sshd.js';
import type { FakeOpenstack } from '../../fakes/openstack/index.js';
import { baseConfig, openJournal, provisioningContext, resolved, useFakeCloudWithSshd } from './harness.js';

// The fake cloud changes a resource's state at each poll: the builder's waits poll without pausing.
const { shortPolls } = await vi.hoisted(() => import('../../helpers/short-waits.js'));
vi.mock('../../../src/core/wait.js', () => shortPolls());

let sshd: TestSshd;
let cloud: FakeOpenstack;
useFakeCloudWithSshd((s) => (sshd = s), (c) => (cloud = c));

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

  it('passes user_data_file, security groups, config drive, availability zone and metadata to Nova', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-os-ud-'));
    writeFileSync(join(dir, 'cloud-init.yaml'), '#cloud-config\npackages: [nginx]\n');
    const config = resolved(
      baseConfig(cloud, sshd, { user_data_file: 'cloud-init.yaml', security_groups: ['ssh', 'web'], config_drive: true, availability_zone: 'nova-2', instance_name: 'builder', instance_metadata: { team: 'sre' } }),
    );
    config.env.templateDir = dir;
    await new OpenstackBuilder(config).run(provisioningContext([]));
    const server = [...cloud.state.servers.values()][0];
    expect(server.request).toMatchObject({
      name: 'builder',
      security_groups: [{ name: 'ssh' }, { name: 'web' }],
      config_drive: true,
      availability_zone: 'nova-2',
      networks: 'auto',
      metadata: { team: 'sre', 'bake:build-id': 'bake-test-0001' },
    });
    expect(Buffer.from(String(server.request.user_data), 'base64').toString()).toBe('#cloud-config\npackages: [nginx]\n');
  });

  it('reuses a free floating IP with reuse_ips, and uses a given one by address; neither is released', async () => {
    cloud.state.floatingPool = [];
    cloud.state.floatingIps.set('fip-mine', { id: 'fip-mine', floating_ip_address: '127.0.0.1', floating_network_id: 'net-public', port_id: null, description: '', seeded: true });
    await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { floating_ip_network: 'public', reuse_ips: true }))).run(provisioningContext([]));
    await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { floating_ip: '127.0.0.1' }))).run(provisioningContext([]));
    expect(cloud.state.requests).not.toContain('POST /network/v2.0/floatingips');
    expect(cloud.state.requests.filter((r) => r === 'PUT /network/v2.0/floatingips/fip-mine')).toHaveLength(4);
    expect(cloud.state.floatingIps.get('fip-mine')?.port_id).toBeNull();
    expect(cloud.state.leftovers()).toEqual([]);
  });

  it('with communicator "none", runs provisioners with a communicator that refuses remote work, and makes the image', async () => {
    const seen: { vars?: Record<string, string>; error?: string } = {};
    const ctx = makeBuildContext({
      provision: async (comm, vars) => {
        seen.vars = vars;
        seen.error = await comm.exec('true').then(() => 'ran', (e: Error) => e.message);
      },
    });
    const artifact = await new OpenstackBuilder(resolved(baseConfig(cloud, sshd, { communicator: 'none', ssh_username: undefined }))).run(ctx);
    expect(artifact?.id).toBe(cloud.state.createdImages()[0].id);
    expect(seen.error).toBe('openstack builder: "communicator" is "none", so provisioners cannot reach the server; use shell-local or set communicator to "ssh"');
    expect(seen.vars).toEqual({ Host: '127.0.0.1', ID: [...cloud.state.servers.keys()][0] });
    expect(cloud.state.requests).not.toContain('POST /compute/v2.1/os-keypairs');
    expect(cloud.state.leftovers()).toEqual([]);
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
