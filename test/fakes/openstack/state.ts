import { FaultInjector } from '../faults.js';

/** What the fake cloud holds; tests seed it, inject faults into it and inspect it for leftovers. */
export interface FakeServer {
  id: string;
  name: string;
  status: string;
  /** OS-EXT-STS:task_state while a stop or delete is under way. */
  task?: 'powering-off' | 'deleting';
  polls: number;
  imageRef?: string;
  flavorRef: string;
  keyName?: string;
  networks: string[];
  metadata: Record<string, string>;
  userData?: string;
  volumeId?: string;
  /** The POST /servers body as received. */
  request: Record<string, unknown>;
  fault?: { code: number; message: string; created: string };
  deleted?: boolean;
}

export interface FakeImage {
  id: string;
  name: string;
  status: string;
  polls: number;
  visibility: string;
  owner: string;
  tags: string[];
  created_at: string;
  min_disk: number;
  disk_format: string | null;
  members: { member_id: string; status: string }[];
  properties: Record<string, string>;
  seeded?: boolean;
}

export interface FakeVolume {
  id: string;
  name: string;
  size: number;
  status: string;
  polls: number;
  imageRef?: string;
  volumeType?: string;
  metadata: Record<string, string>;
}

export interface FakeFloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  port_id: string | null;
  description: string;
  seeded?: boolean;
}

export interface Faults {
  /** A new server goes ERROR with this fault message instead of ACTIVE. */
  serverError?: string;
  /** Snapshots never leave "queued". */
  imageStuckQueued?: boolean;
  /** POST /servers is refused as over quota. */
  quotaExceeded?: boolean;
  /** The first request whose "METHOD /path" matches answers 401 and revokes every token. */
  revokeTokensOn?: RegExp;
  /** The first request whose "METHOD /path" matches answers 409. */
  conflictOn?: RegExp;
  /** Requests whose "METHOD /path" matches answer 503 this many times. */
  unavailable?: { on: RegExp; times: number };
}

export interface Credentials {
  user: string;
  userId: string;
  password: string;
  domain: string;
  project: string;
  projectId: string;
  appCredentialId: string;
  appCredentialSecret: string;
}

let counter = 0;
export function newId(prefix: string): string {
  counter += 1;
  return `${prefix}-${String(counter).padStart(4, '0')}-${Math.random().toString(16).slice(2, 10)}`;
}

export class FakeState {
  readonly credentials: Credentials = {
    user: 'demo',
    userId: 'user-0001',
    password: 'secret',
    domain: 'Default',
    project: 'demo',
    projectId: 'proj-0001',
    appCredentialId: 'appcred-0001',
    appCredentialSecret: 'appcred-secret',
  };
  readonly tokens = new Set<string>();
  readonly servers = new Map<string, FakeServer>();
  readonly images = new Map<string, FakeImage>();
  readonly volumes = new Map<string, FakeVolume>();
  readonly keypairs = new Map<string, string>();
  readonly floatingIps = new Map<string, FakeFloatingIp>();
  readonly ports = new Map<string, { id: string; network_id: string; device_id: string; ip: string }>();
  readonly flavors = [
    { id: 'flv-small', name: 'm1.small', vcpus: 1, ram: 2048, disk: 20 },
    { id: 'flv-medium', name: 'm1.medium', vcpus: 2, ram: 4096, disk: 40 },
    { id: 'flv-dup-a', name: 'dup', vcpus: 1, ram: 1024, disk: 10 },
    { id: 'flv-dup-b', name: 'dup', vcpus: 1, ram: 1024, disk: 10 },
  ];
  readonly networks = [
    { id: 'net-private', name: 'private', 'router:external': false },
    { id: 'net-public', name: 'public', 'router:external': true },
  ];
  faults: Faults = {};
  /** Items per page of every list (Glance `next`, Nova/Neutron/Cinder `<key>_links`), small so callers must follow them. */
  pageSize = 2;
  /** One planned fault (request number × kind), as the other fakes take it. */
  injector = new FaultInjector();
  /** Where the fake listens, once started. */
  baseUrl = '';
  /** Every request as "METHOD /path?query", in order. */
  readonly requests: string[] = [];
  /** Called on every request before it is handled (tests abort a build at a chosen call). */
  onRequest?: (line: string) => void;
  /** What cloud-init would do with the server's key pair: tests add it to the test sshd's authorized_keys. */
  onBoot?: (server: FakeServer, publicKey: string | undefined) => void;
  /** Host public keys the servers' cloud-init prints on the console (the test sshd's, so builds verify it). */
  hostKeys?: string[];
  /** Replaces the console: called with the server id and how many times its console was read; undefined is "no output yet". */
  consoleOutput?: (serverId: string, reads: number) => string | undefined;
  readonly consoleReads = new Map<string, number>();
  /** Addresses handed out by floating IP allocation; loopback so SSH through them reaches the test sshd. */
  floatingPool = ['127.0.0.1'];

  constructor() {
    this.seedImage('debian-12', { created_at: '2024-01-01T00:00:00Z', id: 'img-debian-old' });
    this.seedImage('debian-12', { created_at: '2025-06-01T00:00:00Z', id: 'img-debian-new' });
    this.seedImage('alpine', { id: 'img-alpine' });
  }

  seedImage(name: string, extra: Partial<FakeImage> = {}): FakeImage {
    const image: FakeImage = {
      id: newId('img'),
      name,
      status: 'active',
      polls: 0,
      visibility: 'public',
      owner: 'proj-admin',
      tags: [],
      created_at: new Date().toISOString(),
      min_disk: 0,
      disk_format: 'qcow2',
      members: [],
      properties: {},
      seeded: true,
      ...extra,
    };
    this.images.set(image.id, image);
    return image;
  }

  /** Everything a build created that still exists, except images (the build's product). */
  leftovers(): string[] {
    const out: string[] = [];
    for (const s of this.servers.values()) if (!s.deleted) out.push(`server ${s.id}`);
    for (const k of this.keypairs.keys()) out.push(`key pair ${k}`);
    for (const f of this.floatingIps.values()) if (!f.seeded) out.push(`floating IP ${f.floating_ip_address}`);
    for (const v of this.volumes.values()) out.push(`volume ${v.id}`);
    return out;
  }

  /** Images the cloud made for a build (not seeded ones). */
  createdImages(): FakeImage[] {
    return [...this.images.values()].filter((i) => !i.seeded);
  }
}
