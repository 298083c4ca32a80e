import type { Server } from '../../cloud/openstack/index.js';
import { BakeError } from '../../core/errors.js';
import type { ResolvedOpenstack } from './resolved.js';

/**
 * The address SSH connects to when there is no floating IP of bake's: on ssh_interface's network
 * when given, of ssh_ip_version (4 first otherwise), a floating address before a fixed one.
 */
export function serverAddress(server: Server, config: ResolvedOpenstack): string {
  const nets = config.sshInterface ? { [config.sshInterface]: server.addresses[config.sshInterface] } : server.addresses;
  if (config.sshInterface && !server.addresses[config.sshInterface]) {
    throw new BakeError(`openstack: ssh_interface "${config.sshInterface}": server ${server.id} has no address there (networks: ${Object.keys(server.addresses).join(', ') || 'none'})`);
  }
  const all = Object.values(nets).flat();
  const versions = config.sshIpVersion ? [config.sshIpVersion] : [4, 6];
  for (const version of versions) {
    const of = all.filter((a) => a.version === version);
    const chosen = of.find((a) => a['OS-EXT-IPS:type'] === 'floating') ?? of[0];
    if (chosen) return chosen.addr;
  }
  throw new BakeError(`openstack: server ${server.id} has no IPv${versions.join('/')} address to connect to; set floating_ip_network or ssh_interface`);
}
