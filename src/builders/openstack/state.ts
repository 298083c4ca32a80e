import type { Session } from '../../cloud/openstack/index.js';
import type { ServerNetwork } from '../../cloud/openstack/index.js';

export interface AuthState {
  session: Session;
  /** Facts the journal keeps so that `bake cleanup` can reach the same cloud and project. */
  journalDetails: Record<string, string>;
  region?: string;
}

/** What a build starts with: with --skip-unchanged, the bake:fingerprint property its image gets. */
export interface InitState {
  imageProperties?: Record<string, string>;
}

export interface SourceState {
  sourceImageId: string;
  flavorId: string;
  flavorDisk?: number;
}

export interface NetworkState {
  serverNetworks: ServerNetwork[];
  floatingNetworkId?: string;
  floatingPortNetworkId?: string;
}

export interface KeyPairState {
  keyPairName?: string;
  privateKey?: string;
  publicKey?: string;
}

export interface VolumeState {
  volumeId?: string;
}

export interface ServerState {
  serverId: string;
}

export interface AddressState {
  sshHost: string;
}

/** A mutable mark the last step sets when the image is complete; until then cleanup deletes it. */
export interface ImageHandle {
  id: string;
  keep: boolean;
}

export interface ImageState {
  image?: ImageHandle;
}
