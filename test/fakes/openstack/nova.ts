import { generateEd25519KeyPair } from '../../../src/communicator/keys.js';
import { cloudInitConsole, consoleWithoutKeys } from '../cloud-init-console.js';
import { pageOf } from './paging.js';
import { empty, json, novaError, type Reply, type Req } from './reply.js';
import { newId, type FakeServer, type FakeState } from './state.js';

/** The minor part of X-OpenStack-Nova-API-Version; 2.1 when none is sent. */
function microversion(req: Req): number {
  return Number(String(req.headers['x-openstack-nova-api-version'] ?? '2.1').split('.')[1]);
}

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
    // Nova keeps the status during a transition and shows it in the task state.
    'OS-EXT-STS:task_state': s.task ?? null,
    addresses,
    metadata: s.metadata,
    key_name: s.keyName ?? null,
    flavor: { id: s.flavorRef },
    image: s.imageRef ? { id: s.imageRef } : '',
    ...(s.fault ? { fault: s.fault } : {}),
  };
}

/** Moves a server one poll along: BUILD → ACTIVE (or ERROR), powering-off → SHUTOFF, deleting → gone. */
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
  } else if (s.task === 'powering-off') {
    s.task = undefined;
    s.status = 'SHUTOFF';
  } else if (s.task === 'deleting') {
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
  // From 2.37 the caller must say which networks ("auto" lets Nova choose); before, Nova chose.
  if (b.networks === undefined && microversion(req) >= 37) return novaError(400, "Invalid input for field/attribute server. Value: ... 'networks' is a required property");
  const nets: string[] = b.networks === 'auto' || b.networks === undefined ? ['net-private'] : b.networks.map((n: { uuid?: string; port?: string }) => n.uuid ?? n.port);
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
    request: b,
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
    if (s.status !== 'ACTIVE' || s.task) return novaError(409, `Cannot 'stop' instance ${s.id} while it is in vm_state ${s.status.toLowerCase()}`);
    s.task = 'powering-off';
    return empty(202);
  }
  if ('createImage' in body) {
    if (s.status === 'BUILD') return novaError(409, `Cannot 'createImage' instance ${s.id} while it is in vm_state building`);
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
    // Before microversion 2.45 the image is named only by the Location header.
    if (microversion(req) >= 45) return json(202, { image_id: image.id });
    return { status: 202, headers: { Location: `${state.baseUrl}/image/v2/images/${image.id}` } };
  }
  if ('os-getConsoleOutput' in body) {
    if (s.status !== 'ACTIVE') return novaError(409, `Cannot 'get_console_output' instance ${s.id} while it is in vm_state ${s.status.toLowerCase()}`);
    const reads = (state.consoleReads.get(s.id) ?? 0) + 1;
    state.consoleReads.set(s.id, reads);
    const text = state.consoleOutput ? state.consoleOutput(s.id, reads) : state.hostKeys ? cloudInitConsole(state.hostKeys) : consoleWithoutKeys();
    const length = body['os-getConsoleOutput']?.length;
    const lines = (text ?? '').split('\n');
    return json(200, { output: typeof length === 'number' && length >= 0 ? lines.slice(-length).join('\n') : lines.join('\n') });
  }
  if ('forceDelete' in body) {
    s.task = 'deleting';
    return empty(202);
  }
  return novaError(400, `Unsupported action ${Object.keys(body).join(',')}`);
}

export function nova(state: FakeState, req: Req): Reply {
  const { method, path } = req;
  if (method === 'GET' && path === '/flavors/detail') return json(200, { flavors: state.flavors });
  const paged = { service: 'compute', prefix: '/compute/v2.1' } as const;
  if (method === 'GET' && path === '/os-keypairs') {
    const list = [...state.keypairs].map(([name, key]) => ({ keypair: { name, public_key: key, fingerprint: 'fa:ke', type: 'ssh' } }));
    return pageOf(state, req, { ...paged, key: 'keypairs', list, idOf: (k) => k.keypair.name });
  }
  if (method === 'POST' && path === '/os-keypairs') {
    const kp = req.body?.keypair;
    // From 2.92 Nova no longer generates key pairs: the public key is required.
    if (!kp?.public_key && microversion(req) >= 92) return novaError(400, "Invalid input for field/attribute keypair. Value: ... 'public_key' is a required property");
    if (state.keypairs.has(kp.name)) return novaError(409, `Key pair '${kp.name}' already exists.`);
    const generated = kp.public_key ? undefined : generateEd25519KeyPair(kp.name);
    const publicKey = kp.public_key ?? generated!.publicKey;
    state.keypairs.set(kp.name, publicKey);
    return json(200, {
      keypair: { name: kp.name, public_key: publicKey, fingerprint: 'fa:ke', user_id: state.credentials.userId, type: 'ssh', ...(generated ? { private_key: generated.privateKey } : {}) },
    });
  }
  const kp = path.match(/^\/os-keypairs\/([^/]+)$/);
  if (kp && method === 'DELETE') {
    const name = decodeURIComponent(kp[1]);
    if (!state.keypairs.delete(name)) return novaError(404, `Keypair ${name} not found for user ${state.credentials.userId}`);
    return empty(202);
  }
  if (method === 'POST' && path === '/servers') return createServer(state, req);
  if (method === 'GET' && (path === '/servers/detail' || path === '/servers')) {
    const live = [...state.servers.values()].filter((s) => !s.deleted);
    const list: { id: string }[] = path === '/servers' ? live.map((s) => ({ id: s.id, name: s.name, links: [] })) : live.map((s) => view(state, s));
    return pageOf(state, req, { ...paged, key: 'servers', list, idOf: (s) => s.id });
  }
  const m = path.match(/^\/servers\/([^/]+)(\/action|\/os-interface)?$/);
  const server = m ? state.servers.get(m[1]) : undefined;
  if (m && (!server || server.deleted)) return novaError(404, `Instance ${m[1]} could not be found.`);
  if (server && m?.[2] === '/action' && method === 'POST') return action(state, server, req);
  if (server && m?.[2] === '/os-interface' && method === 'GET') {
    const ports = [...state.ports.values()].filter((p) => p.device_id === server.id);
    return json(200, {
      interfaceAttachments: ports.map((p) => ({ port_id: p.id, net_id: p.network_id, port_state: 'ACTIVE', mac_addr: 'fa:16:3e:00:00:01', fixed_ips: [{ ip_address: p.ip, subnet_id: 'subnet-0001' }] })),
    });
  }
  if (server && method === 'GET') {
    const shown = view(state, server);
    advance(state, server);
    return json(200, { server: shown });
  }
  if (server && method === 'DELETE') {
    server.task = 'deleting';
    return empty(204);
  }
  return novaError(404, `No route ${method} ${path}`);
}
