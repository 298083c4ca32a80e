import type { AuthSources } from '../../cloud/openstack/index.js';
import type { SshConfigInput } from '../../communicator/index.js';

export type SourceImage =
  | { kind: 'id'; id: string }
  | { kind: 'name'; name: string }
  | { kind: 'filter'; query: Record<string, string | string[]>; mostRecent: boolean; text: string };

/** The openstack builder's config after defaults: what its steps see. */
export interface ResolvedOpenstack {
  /** "t.json: builders[0]", for messages. */
  where: string;
  env: { file: string; path: string; templateDir: string };
  auth: AuthSources;
  source: SourceImage;
  flavor: string;
  availabilityZone?: string;
  networks: string[];
  ports: string[];
  securityGroups: string[];
  userData?: string;
  userDataFile?: string;
  configDrive: boolean;
  instanceName?: string;
  instanceMetadata: Record<string, string>;
  forceDelete: boolean;
  floatingIp?: string;
  floatingIpNetwork?: string;
  instanceFloatingIpNet?: string;
  reuseIps: boolean;
  sshInterface?: string;
  sshIpVersion?: 4 | 6;
  keypairName?: string;
  temporaryKeyPairName?: string;
  volume?: { name?: string; type?: string; size?: number; availabilityZone?: string };
  image: {
    name: string;
    metadata: Record<string, string>;
    visibility?: 'public' | 'private' | 'shared' | 'community';
    members: string[];
    autoAcceptMembers: boolean;
    diskFormat: string;
    tags: string[];
    minDisk?: number;
    skip: boolean;
  };
  communicator: 'ssh' | 'none';
  ssh: SshConfigInput;
  /** Bounds of the waits; tests shorten them. */
  timeouts: { serverMs: number; imageMs: number; deleteMs: number };
}
