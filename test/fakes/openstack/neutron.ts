import { PAGING_PARAMS, pageOf } from './paging.js';
import { empty, json, neutronError, type Reply, type Req } from './reply.js';
import { newId, type FakeState } from './state.js';

function matches(obj: Record<string, unknown>, q: URLSearchParams): boolean {
  for (const [k, v] of q) if (!PAGING_PARAMS.has(k) && String(obj[k]) !== v) return false;
  return true;
}

export function neutron(state: FakeState, req: Req): Reply {
  const { method, path, query } = req;
  const paged = { service: 'network', prefix: '/network', idOf: (x: { id: string }) => x.id } as const;
  if (method === 'GET' && path === '/v2.0/networks') return pageOf(state, req, { ...paged, key: 'networks', list: state.networks.filter((n) => matches(n, query)) });
  if (method === 'GET' && path === '/v2.0/ports') {
    const ports = [...state.ports.values()].map((p) => ({ id: p.id, network_id: p.network_id, device_id: p.device_id, fixed_ips: [{ ip_address: p.ip }] }));
    return pageOf(state, req, { ...paged, key: 'ports', list: ports.filter((p) => matches(p, query)) });
  }
  if (method === 'GET' && path === '/v2.0/floatingips') {
    const list = [...state.floatingIps.values()].map(({ seeded: _, ...f }) => f).filter((f) => matches(f, query));
    return pageOf(state, req, { ...paged, key: 'floatingips', list });
  }
  if (method === 'POST' && path === '/v2.0/floatingips') {
    const b = req.body?.floatingip ?? {};
    const net = state.networks.find((n) => n.id === b.floating_network_id);
    if (!net) return neutronError(404, 'NetworkNotFound', `Network ${String(b.floating_network_id)} could not be found.`);
    if (!net['router:external']) return neutronError(400, 'BadRequest', `Bad floatingip request: Network ${net.id} is not a valid external network.`);
    const address = state.floatingPool.shift();
    if (!address) return neutronError(409, 'OverQuota', "Quota exceeded for resources: ['floatingip'].");
    const fip = { id: newId('fip'), floating_ip_address: address, floating_network_id: net.id, port_id: null, description: b.description ?? '' };
    state.floatingIps.set(fip.id, fip);
    return json(201, { floatingip: { ...fip, status: 'DOWN' } });
  }
  const m = path.match(/^\/v2\.0\/floatingips\/([^/]+)$/);
  const fip = m ? state.floatingIps.get(m[1]) : undefined;
  if (m && !fip) return neutronError(404, 'FloatingIPNotFound', `Floating IP ${m[1]} could not be found`);
  if (fip && method === 'PUT') {
    const portId = req.body?.floatingip?.port_id ?? null;
    if (portId && !state.ports.has(portId)) return neutronError(404, 'PortNotFound', `Port ${portId} could not be found.`);
    if (portId && fip.port_id && fip.port_id !== portId) {
      return neutronError(409, 'FloatingIPPortAlreadyAssociated', `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${portId}, as that floating IP is already associated with port ${fip.port_id}.`);
    }
    fip.port_id = portId;
    return json(200, { floatingip: { ...fip, status: portId ? 'ACTIVE' : 'DOWN' } });
  }
  if (fip && method === 'DELETE') {
    state.floatingIps.delete(fip.id);
    state.floatingPool.push(fip.floating_ip_address);
    return empty(204);
  }
  return neutronError(404, 'HTTPNotFound', `The resource could not be found.`);
}
