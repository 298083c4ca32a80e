import { listAll } from './paged.js';
import type { Session } from './session.js';

export interface Network {
  id: string;
  name: string;
  'router:external'?: boolean;
}

export interface Port {
  id: string;
  network_id: string;
  device_id: string;
  fixed_ips: { ip_address: string; subnet_id?: string }[];
}

export interface FloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  port_id: string | null;
  status?: string;
  description?: string;
}

const q = (params: Record<string, string>) => `?${new URLSearchParams(params)}`;

export const neutron = {
  async listNetworks(s: Session, filter: Record<string, string>, signal?: AbortSignal): Promise<Network[]> {
    return listAll<Network>(s, 'network', `/v2.0/networks${q(filter)}`, 'networks', { what: 'list networks', signal });
  },

  async listPorts(s: Session, filter: Record<string, string>, signal?: AbortSignal): Promise<Port[]> {
    return listAll<Port>(s, 'network', `/v2.0/ports${q(filter)}`, 'ports', { what: 'list ports', signal });
  },

  async listFloatingIps(s: Session, filter: Record<string, string>, signal?: AbortSignal): Promise<FloatingIp[]> {
    return listAll<FloatingIp>(s, 'network', `/v2.0/floatingips${q(filter)}`, 'floatingips', { what: 'list floating IPs', signal });
  },

  async createFloatingIp(s: Session, networkId: string, description: string, signal?: AbortSignal): Promise<FloatingIp> {
    const res = await s.call<{ floatingip: FloatingIp }>('network', 'POST', '/v2.0/floatingips', {
      what: `allocate a floating IP on network ${networkId}`,
      body: { floatingip: { floating_network_id: networkId, description } },
      signal,
    });
    return res!.floatingip;
  },

  /** Associates (port id) or disassociates (null) a floating IP. */
  async setFloatingIpPort(s: Session, id: string, portId: string | null, signal?: AbortSignal): Promise<void> {
    await s.call('network', 'PUT', `/v2.0/floatingips/${id}`, {
      what: portId ? `associate floating IP ${id}` : `disassociate floating IP ${id}`,
      body: { floatingip: { port_id: portId } },
      allow404: portId === null,
      signal,
    });
  },

  async deleteFloatingIp(s: Session, id: string, signal?: AbortSignal): Promise<void> {
    await s.call('network', 'DELETE', `/v2.0/floatingips/${id}`, { what: `release floating IP ${id}`, allow404: true, signal });
  },
};
