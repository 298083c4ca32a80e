import { listAll } from './paged.js';
import type { Session } from './session.js';

/**
 * 2.45: createImage answers with the image id in its body. Later microversions would require the
 * public key to be sent with a key pair (2.92), which bake always does anyway.
 */
export const NOVA_MICROVERSION = '2.45';
const mv = { 'X-OpenStack-Nova-API-Version': NOVA_MICROVERSION };

export interface Flavor {
  id: string;
  name: string;
  vcpus?: number;
  ram?: number;
  disk?: number;
}

export interface ServerAddress {
  addr: string;
  version: number;
  'OS-EXT-IPS:type'?: 'fixed' | 'floating';
}

export interface Server {
  id: string;
  name: string;
  status: string;
  addresses: Record<string, ServerAddress[]>;
  metadata?: Record<string, string>;
  /** A stop or delete under way ("powering-off", "deleting"). */
  'OS-EXT-STS:task_state'?: string | null;
  fault?: { code?: number; message?: string; details?: string };
}

export type ServerNetwork = { uuid: string } | { port: string };

export interface CreateServer {
  name: string;
  imageRef?: string;
  flavorRef: string;
  key_name?: string;
  networks: ServerNetwork[] | 'auto';
  security_groups?: { name: string }[];
  metadata?: Record<string, string>;
  user_data?: string;
  config_drive?: boolean;
  availability_zone?: string;
  block_device_mapping_v2?: Record<string, unknown>[];
}

export const nova = {
  async listFlavors(s: Session, signal?: AbortSignal): Promise<Flavor[]> {
    return (await s.get<{ flavors: Flavor[] }>('compute', '/flavors/detail', { what: 'list flavors', headers: mv, signal })).flavors;
  },

  async createKeyPair(s: Session, name: string, publicKey: string, signal?: AbortSignal): Promise<void> {
    await s.call('compute', 'POST', '/os-keypairs', {
      what: `create key pair ${name}`,
      headers: mv,
      body: { keypair: { name, public_key: publicKey } },
      signal,
    });
  },

  async listKeyPairs(s: Session, signal?: AbortSignal): Promise<string[]> {
    const keypairs = await listAll<{ keypair: { name: string } }>(s, 'compute', '/os-keypairs', 'keypairs', { what: 'list key pairs', headers: mv, signal });
    return keypairs.map((k) => k.keypair.name);
  },

  /** The public half of a key pair, or undefined when there is none of that name. */
  async keyPairPublicKey(s: Session, name: string, signal?: AbortSignal): Promise<string | undefined> {
    const keypairs = await listAll<{ keypair: { name: string; public_key?: string } }>(s, 'compute', '/os-keypairs', 'keypairs', { what: 'list key pairs', headers: mv, signal });
    return keypairs.find((k) => k.keypair.name === name)?.keypair.public_key;
  },

  async deleteKeyPair(s: Session, name: string, signal?: AbortSignal): Promise<void> {
    await s.call('compute', 'DELETE', `/os-keypairs/${encodeURIComponent(name)}`, { what: `delete key pair ${name}`, headers: mv, allow404: true, signal });
  },

  async createServer(s: Session, server: CreateServer, signal?: AbortSignal): Promise<string> {
    const res = await s.call<{ server: { id: string } }>('compute', 'POST', '/servers', { what: 'launch server', headers: mv, body: { server }, signal });
    return res!.server.id;
  },

  async getServer(s: Session, id: string, signal?: AbortSignal): Promise<Server | undefined> {
    const res = await s.call<{ server: Server }>('compute', 'GET', `/servers/${id}`, { what: `get server ${id}`, headers: mv, allow404: true, signal });
    return res?.server;
  },

  async listServers(s: Session, signal?: AbortSignal): Promise<Server[]> {
    return listAll<Server>(s, 'compute', '/servers/detail', 'servers', { what: 'list servers', headers: mv, signal });
  },

  /** A server of this name whose metadata carries this build's id: one whose create answer was lost. */
  async findOwnServer(s: Session, name: string, buildId: string, signal?: AbortSignal): Promise<string | undefined> {
    const servers = await nova.listServers(s, signal);
    return servers.find((x) => x.name === name && x.metadata?.['bake:build-id'] === buildId)?.id;
  },

  async deleteServer(s: Session, id: string, force: boolean, signal?: AbortSignal): Promise<void> {
    if (force) {
      const res = await s.call('compute', 'POST', `/servers/${id}/action`, { what: `force-delete server ${id}`, headers: mv, body: { forceDelete: null }, allow404: true, signal });
      if (res) return;
    }
    await s.call('compute', 'DELETE', `/servers/${id}`, { what: `delete server ${id}`, headers: mv, allow404: true, signal });
  },

  /** The server's console log (os-getConsoleOutput); undefined while there is none. */
  async consoleOutput(s: Session, id: string, signal?: AbortSignal): Promise<string | undefined> {
    const res = await s.call<{ output?: string }>('compute', 'POST', `/servers/${id}/action`, {
      what: `read the console of server ${id}`,
      headers: mv,
      body: { 'os-getConsoleOutput': {} },
      signal,
    });
    return res?.output || undefined;
  },

  async stopServer(s: Session, id: string, signal?: AbortSignal): Promise<void> {
    await s.call('compute', 'POST', `/servers/${id}/action`, { what: `stop server ${id}`, headers: mv, body: { 'os-stop': null }, signal });
  },

  async createImage(s: Session, id: string, name: string, metadata: Record<string, string>, signal?: AbortSignal): Promise<string> {
    const res = await s.call<{ image_id: string }>('compute', 'POST', `/servers/${id}/action`, {
      what: `create image from server ${id}`,
      headers: mv,
      body: { createImage: { name, metadata } },
      signal,
    });
    return res!.image_id;
  },
};
