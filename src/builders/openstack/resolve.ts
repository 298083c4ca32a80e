import { CONSOLE_HOST_KEYS, resolveHostKeyPolicy } from '../../communicator/index.js';
import type { EndpointInterface } from '../../cloud/openstack/index.js';
import { UsageError } from '../../core/errors.js';
import type { PluginEnv } from '../../plugins/types.js';
import type { ResolvedOpenstack, SourceImage } from './resolved.js';
import type { OpenstackConfig } from './schema.js';

/** Packer also accepts the old catalog spellings "publicURL", "internalURL", "adminURL". */
function endpointInterface(value: string | undefined): EndpointInterface | undefined {
  return value ? (value.replace(/URL$/, '') as EndpointInterface) : undefined;
}

function sourceImage(c: OpenstackConfig, where: string): SourceImage {
  const given = [c.source_image && 'source_image', c.source_image_name && 'source_image_name', c.source_image_filter && 'source_image_filter'].filter(Boolean);
  if (given.length === 0) throw new UsageError(`${where}: one of source_image, source_image_name or source_image_filter is required`);
  if (given.length > 1) throw new UsageError(`${where}: give only one of ${given.join(', ')}`);
  if (c.source_image) return { kind: 'id', id: c.source_image };
  if (c.source_image_name) return { kind: 'name', name: c.source_image_name };
  const f = c.source_image_filter?.filters ?? {};
  const query: Record<string, string | string[]> = {};
  if (f.name) query.name = f.name;
  if (f.owner) query.owner = f.owner;
  if (f.visibility) query.visibility = f.visibility;
  if (f.tags?.length) query.tag = [...f.tags];
  for (const [k, v] of Object.entries(f.properties ?? {})) query[k] = v;
  if (Object.keys(query).length === 0) throw new UsageError(`${where}.source_image_filter.filters: give at least one of name, owner, tags, visibility, properties`);
  const text = Object.entries(query)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : v}`)
    .join(' ');
  return { kind: 'filter', query, mostRecent: c.source_image_filter?.most_recent ?? false, text };
}

/** Turns the validated template block into the strict config the steps use. Cheap: no I/O. */
export function resolveOpenstack(c: OpenstackConfig, env: PluginEnv): ResolvedOpenstack {
  const where = `${env.file}: ${env.path}`;
  const skip = c.skip_create_image ?? false;
  if (!c.image_name && !skip) throw new UsageError(`${where}.image_name: required (or set skip_create_image)`);
  if ((c.communicator ?? 'ssh') === 'ssh' && !c.ssh_username) {
    throw new UsageError(`${where}.ssh_username: required to connect over SSH (or set "communicator": "none")`);
  }
  resolveHostKeyPolicy(c, CONSOLE_HOST_KEYS, where, env.templateDir);
  if (c.user_data && c.user_data_file) throw new UsageError(`${where}: give only one of user_data, user_data_file`);
  if (c.ssh_keypair_name && !c.ssh_private_key_file && !c.ssh_agent_auth && (c.communicator ?? 'ssh') === 'ssh') {
    throw new UsageError(`${where}.ssh_keypair_name: needs ssh_private_key_file or ssh_agent_auth (the private key of that key pair)`);
  }
  const members = [...(c.image_members ?? [])];
  return {
    where,
    env: { file: env.file, path: env.path, templateDir: env.templateDir },
    auth: {
      cloud: c.cloud,
      template: {
        authUrl: c.identity_endpoint,
        username: c.username,
        userId: c.user_id,
        password: c.password,
        projectName: c.tenant_name,
        projectId: c.tenant_id,
        userDomainName: c.domain_name,
        userDomainId: c.domain_id,
        projectDomainName: c.domain_name,
        projectDomainId: c.domain_id,
        applicationCredentialId: c.application_credential_id,
        applicationCredentialName: c.application_credential_name,
        applicationCredentialSecret: c.application_credential_secret,
        token: c.token,
        region: c.region,
        interface: endpointInterface(c.endpoint_type),
        insecure: c.insecure,
        cacert: c.cacert,
        cert: c.cert,
        key: c.key,
      },
    },
    source: sourceImage(c, where),
    flavor: c.flavor,
    availabilityZone: c.availability_zone,
    networks: [...(c.networks ?? [])],
    ports: [...(c.ports ?? [])],
    securityGroups: [...(c.security_groups ?? [])],
    userData: c.user_data,
    userDataFile: c.user_data_file,
    configDrive: c.config_drive ?? false,
    instanceName: c.instance_name,
    instanceMetadata: { ...c.instance_metadata },
    forceDelete: c.force_delete ?? false,
    floatingIp: c.floating_ip,
    floatingIpNetwork: c.floating_ip_network ?? c.floating_ip_pool,
    instanceFloatingIpNet: c.instance_floating_ip_net,
    reuseIps: c.reuse_ips ?? false,
    sshInterface: c.ssh_interface,
    sshIpVersion: c.ssh_ip_version === '6' ? 6 : c.ssh_ip_version === '4' ? 4 : undefined,
    keypairName: c.ssh_keypair_name,
    temporaryKeyPairName: c.temporary_key_pair_name,
    volume: c.use_blockstorage_volume
      ? { name: c.volume_name, type: c.volume_type, size: c.volume_size, availabilityZone: c.volume_availability_zone }
      : undefined,
    image: {
      name: c.image_name ?? '',
      metadata: { ...c.metadata },
      visibility: c.image_visibility ?? (members.length ? 'shared' : undefined),
      members,
      autoAcceptMembers: c.image_auto_accept_members ?? false,
      diskFormat: c.image_disk_format ?? 'raw',
      tags: [...(c.image_tags ?? [])],
      minDisk: c.image_min_disk,
      skip,
    },
    communicator: c.communicator ?? 'ssh',
    ssh: c,
    timeouts: { serverMs: 15 * 60_000, imageMs: 60 * 60_000, deleteMs: 5 * 60_000 },
  };
}
