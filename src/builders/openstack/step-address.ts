import { createOnce, neutron, nova, type FloatingIp, type Session } from '../../cloud/openstack/index.js';
import { BakeError, errorText, throwIfAborted } from '../../core/errors.js';
import type { BuildContext } from '../../core/context.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import { serverAddress } from './server-address.js';
import type { AddressState, AuthState, NetworkState, ServerState } from './state.js';

type Needs = AuthState & NetworkState & ServerState;

async function serverPort(session: Session, serverId: string, networkId: string | undefined, signal: AbortSignal): Promise<string> {
  const ports = await neutron.listPorts(session, { device_id: serverId, ...(networkId ? { network_id: networkId } : {}) }, signal);
  if (!ports.length) throw new BakeError(`openstack: server ${serverId} has no port${networkId ? ` on network ${networkId}` : ''} to attach a floating IP to`);
  return ports[0].id;
}

async function existingFloatingIp(session: Session, value: string, signal: AbortSignal): Promise<FloatingIp> {
  const found = [
    ...(await neutron.listFloatingIps(session, { id: value }, signal)),
    ...(await neutron.listFloatingIps(session, { floating_ip_address: value }, signal)),
  ];
  if (!found.length) throw new BakeError(`openstack: floating_ip "${value}": no such floating IP (give its id or address)`);
  return found[0];
}

/** A floating IP (given, reused or allocated) associated with the server, or the server's own address. */
export function stepAddress(config: ResolvedOpenstack): Step<Needs, AddressState> {
  let allocated: string | undefined;
  let associated: string | undefined;
  /** The description of a floating IP whose allocation never answered: cleanup looks for it. */
  let attempted: string | undefined;
  const release = async (ctx: BuildContext, session: Session, region: string | undefined) => {
    const signal = ctx.cleanupSignal();
    if (!allocated && attempted) {
      allocated = (await neutron.listFloatingIps(session, { description: attempted }, signal))[0]?.id;
      if (allocated) ctx.journal.created({ type: 'openstack:floating-ip', id: allocated, region });
    }
    attempted = undefined;
    if (allocated) {
      ctx.log.say(`Deleting temporary floating IP ${allocated}...`);
      await neutron.deleteFloatingIp(session, allocated, signal);
      ctx.journal.removed({ type: 'openstack:floating-ip', id: allocated, region });
    } else if (associated) {
      await neutron.setFloatingIpPort(session, associated, null, signal);
    }
    allocated = associated = undefined;
  };
  return {
    name: 'floating IP',
    run: async (ctx, { session, journalDetails, region, serverId, floatingNetworkId, floatingPortNetworkId }) => {
      let fip: FloatingIp | undefined;
      if (config.floatingIp) {
        fip = await existingFloatingIp(session, config.floatingIp, ctx.signal);
      } else if (floatingNetworkId && config.reuseIps) {
        const free = await neutron.listFloatingIps(session, { floating_network_id: floatingNetworkId }, ctx.signal);
        fip = free.find((f) => !f.port_id);
        if (fip) ctx.log.say(`Reusing floating IP ${fip.floating_ip_address}`);
      }
      if (!fip && floatingNetworkId) {
        ctx.log.say(`Creating floating IP on network ${floatingNetworkId}...`);
        const description = `bake:build-id=${ctx.buildId}`;
        attempted = description;
        const signal = ctx.cleanupSignal(60_000);
        fip = await createOnce(
          () => neutron.createFloatingIp(session, floatingNetworkId, description, signal),
          async () => (await neutron.listFloatingIps(session, { description }, signal))[0],
          (found) => ctx.log.info(`Floating IP ${found.floating_ip_address} was allocated by a request whose answer was lost; using it`),
        );
        attempted = undefined;
        allocated = fip.id;
        ctx.journal.created({ type: 'openstack:floating-ip', id: fip.id, region, details: journalDetails });
        throwIfAborted(ctx.signal);
      }
      if (fip) {
        const port = await serverPort(session, serverId, floatingPortNetworkId, ctx.signal);
        ctx.log.say(`Associating floating IP ${fip.floating_ip_address} with server ${serverId}...`);
        await neutron.setFloatingIpPort(session, fip.id, port, ctx.signal);
        associated = fip.id;
        return { sshHost: fip.floating_ip_address };
      }
      const server = await nova.getServer(session, serverId, ctx.signal);
      if (!server) throw new BakeError(`openstack: server ${serverId} disappeared`);
      return { sshHost: serverAddress(server, config) };
    },
    cleanup: async (ctx, { session, region }) => {
      const id = allocated;
      try {
        await release(ctx, session, region);
      } catch (err) {
        throw new BakeError(`${errorText(err)}${id ? `; remove it with: openstack floating ip delete ${id}` : ''}`);
      }
    },
  };
}
