import { empty, json, novaError, type Reply, type Req } from './reply.js';
import { newId, type FakeServer, type FakeState } from './state.js';

function view(state: FakeState, s: FakeServer) {
  const addresses: Record<string, unknown[]> = {};
  for (const port of state.ports.values()) {
    if (port.device_id !== s.id) continue;
    const net = state.networks.find((n) => n.id === port.network_id)!;
    const list = (addresses[net.name] ??= []);
    list.push({ addr: port.ip, version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' });
    for (const f of state.floatingIps.values()) {
      if (f.port_id === port.id) list.push({ addr: f.floating_ip_address, version: 4, 'OS-EXT-IPS:type': 'floating', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' });
    }
  }
  return {
    id: s.id,
    name: s.name,
    status: s.status,
    addresses,
    metadata: s.metadata,
    key_name: s.keyName ?? null,
    flavor: { id: s.flavorRef },
    image: s.imageRef ? { id: s.imageRef } : '',
    ...(s.fault ? { fault: s.fault } : {}),
  };
}

/** Moves a server one poll along: BUILD → ACTIVE (or ERROR), stopping → SHUTOFF, deleting → gone. */
function advance(state: FakeState, s: FakeServer): void {
  s.polls += 1;
  if (s.status === 'BUILD') {
    if (state.faults.serverError) {
      s.status = 'ERROR';
      s.fault = { code: 500, message: state.faults.serverError, created: new Date().toISOString() };
    } else {
      s.status = 'ACTIVE';
      state.onBoot?.(s, s.keyName ? state.keypairs.get(s.keyName) : undefined);
    }
  } else if (s.status === 'STOPPING') {
    s.status = 'SHUTOFF';
  } else if (s.status === 'DELETING') {
    s.deleted = true;
    for (const [id, port] of state.ports) {
      if (port.device_id !== s.id) continue;
      for (const f of state.floatingIps.values()) if (f.port_id === id) f.port_id = null;
      state.ports.delete(id);
    }
    const volume = s.volumeId ? state.volumes.get(s.volumeId) : undefined;
    if (volume) volume.status = 'available';
  }
}

function createServer(state: FakeState, req: Req): Reply {
  const b = req.body?.server;
  if (!b?.name || !b.flavorRef) return novaError(400, "Invalid input for field/attribute server. Value: missing name or flavorRef.");
  if (state.faults.quotaExceeded) return novaError(403, 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances');
  if (!state.flavors.some((f) => f.id === b.flavorRef)) return novaError(400, `Flavor ${b.flavorRef} could not be found.`);
  const bdm = b.block_device_mapping_v2?.[0];
  if (!bdm && !state.images.has(b.imageRef)) return novaError(400, `Can not find requested image`);
  if (b.key_name && !state.keypairs.has(b.key_name)) return novaError(400, 'Invalid key_name provided.');
  if (b.networks === undefined) return novaError(400, "Invalid input for field/attribute server. Value: ... 'networks' is a required property");
  const nets: string[] = b.networks === 'auto' ? ['net-private'] : b.networks.map((n: { uuid?: string; port?: string }) => n.uuid ?? n.port);
  for (const n of nets) if (!state.networks.some((x) => x.id === n)) return novaError(400, `Network ${n} could not be found.`);
  if (bdm) {
    const volume = state.volumes.get(bdm.uuid);
    if (!volume || volume.status !== 'available') return novaError(400, `Block Device Mapping is Invalid: failed to get volume ${bdm.uuid}.`);
    volume.status = 'in-use';
  }
  const server: FakeServer = {
    id: newId('srv'),
    name: b.name,
    status: 'BUILD',
    polls: 0,
    imageRef: bdm ? undefined : b.imageRef,
    flavorRef: b.flavorRef,
    keyName: b.key_name,
    networks: nets,
    metadata: b.metadata ?? {},
    userData: b.user_data,
    volumeId: bdm?.uuid,
  };
  state.servers.set(server.id, server);
  for (const n of nets) {
    const port = { id: newId('port'), network_id: n, device_id: server.id, ip: '127.0.0.1' };
    state.ports.set(port.id, port);
  }
  return json(202, { server: { id: server.id, links: [], adminPass: 'fake-admin-pass', 'OS-DCF:diskConfig': 'MANUAL', security_groups: [{ name: 'default' }] } });
}

function action(state: FakeState, s: FakeServer, req: Req): Reply {
  const body = req.body ?? {};
  if ('os-stop' in body) {
    if (s.status !== 'ACTIVE') return novaError(409, `Cannot 'stop' instance ${s.id} while it is in vm_state ${s.status.toLowerCase()}`);
    s.status = 'STOPPING';
    return empty(202);
  }
  if ('createImage' in body) {
    if (req.headers['x-openstack-nova-api-version'] !== '2.45') return novaError(400, 'this fake answers createImage only at microversion 2.45');
    const image = {
      id: newId('img'),
      name: body.createImage.name,
      status: 'queued',
      polls: 0,
      visibility: 'private',
      owner: state.credentials.projectId,
      tags: [],
      created_at: new Date().toISOString(),
      min_disk: 0,
      disk_format: 'qcow2',
      members: [],
      properties: { ...body.createImage.metadata, instance_uuid: s.id },
    };
    state.images.set(image.id, image);
    return json(202, { image_id: image.id });
  }
  if ('forceDelete' in body) {
    s.status = 'DELETING';
    return empty(202);
  }
  return novaError(400, `Unsupported action ${Object.keys(body).join(',')}`);
}

export function nova(state: FakeState, req: Req): Reply {
  const { method, path } = req;
  if (method === 'GET' && path === '/flavors/detail') return json(200, { flavors: state.flavors });
  if (method === 'POST' && path === '/os-keypairs') {
    const kp = req.body?.keypair;
    if (!kp?.public_key) return novaError(400, "Invalid input for field/attribute keypair. Value: ... 'public_key' is a required property");
    if (state.keypairs.has(kp.name)) return novaError(409, `Key pair '${kp.name}' already exists.`);
    state.keypairs.set(kp.name, kp.public_key);
    return json(200, { keypair: { name: kp.name, public_key: kp.public_key, fingerprint: 'fa:ke', user_id: state.credentials.userId, type: 'ssh' } });
  }
  const kp = path.match(/^\/os-keypairs\/([^/]+)$/);
  if (kp && method === 'DELETE') {
    const name = decodeURIComponent(kp[1]);
    if (!state.keypairs.delete(name)) return novaError(404, `Keypair ${name} not found for user ${state.credentials.userId}`);
    return empty(202);
  }
  if (method === 'POST' && path === '/servers') return createServer(state, req);
  if (method === 'GET' && path === '/servers/detail') {
    return json(200, { servers: [...state.servers.values()].filter((s) => !s.deleted).map((s) => view(state, s)) });
  }
  const m = path.match(/^\/servers\/([^/]+)(\/action)?$/);
  const server = m ? state.servers.get(m[1]) : undefined;
  if (m && (!server || server.deleted)) return novaError(404, `Instance ${m[1]} could not be found.`);
  if (server && m?.[2] && method === 'POST') return action(state, server, req);
  if (server && method === 'GET') {
    const shown = view(state, server);
    advance(state, server);
    return json(200, { server: shown });
  }
  if (server && method === 'DELETE') {
    server.status = 'DELETING';
    return empty(204);
  }
  return novaError(404, `No route ${method} ${path}`);
}
