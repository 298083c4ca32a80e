import { neutron, type Network, type Session } from '../../cloud/openstack/index.js';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, NetworkState } from './state.js';

/** A network given by id or by name, as Packer accepts both. */
async function findNetwork(session: Session, value: string, option: string, signal: AbortSignal): Promise<Network> {
  const byId = await neutron.listNetworks(session, { id: value }, signal);
  if (byId.length === 1) return byId[0];
  const byName = await neutron.listNetworks(session, { name: value }, signal);
  if (byName.length === 1) return byName[0];
  if (byName.length > 1) throw new BakeError(`openstack: ${option}: "${value}" matches ${byName.length} networks (${byName.map((n) => n.id).join(', ')}); give its id`);
  throw new BakeError(`openstack: ${option}: network "${value}" not found`);
}

/** Resolves every network the build names before anything is created, so a typo costs nothing. */
export function stepNetworks(config: ResolvedOpenstack): Step<AuthState, NetworkState> {
  return {
    name: 'networks',
    run: async (ctx, { session }) => {
      const serverNetworks: NetworkState['serverNetworks'] = [];
      for (const [i, n] of config.networks.entries()) serverNetworks.push({ uuid: (await findNetwork(session, n, `networks[${i}]`, ctx.signal)).id });
      for (const p of config.ports) serverNetworks.push({ port: p });
      const state: NetworkState = { serverNetworks };
      if (config.floatingIpNetwork) {
        state.floatingNetworkId = (await findNetwork(session, config.floatingIpNetwork, 'floating_ip_network', ctx.signal)).id;
      }
      if (config.instanceFloatingIpNet) {
        state.floatingPortNetworkId = (await findNetwork(session, config.instanceFloatingIpNet, 'instance_floating_ip_net', ctx.signal)).id;
      }
      return state;
    },
  };
}
