import type { Tag } from '@aws-sdk/client-ec2';

export interface FakeInstance {
  id: string;
  region: string;
  state: 'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';
  polls: number;
  imageId: string;
  instanceType: string;
  keyName?: string;
  groups: string[];
  tags: Tag[];
  launchTime: Date;
  volumes: string[];
  hiddenPolls: number;
  spot?: boolean;
  /** Every state the instance went through, in order: a CreateImage reboot shows as stopping, stopped, pending, running. */
  history?: FakeInstance['state'][];
  /** Set while a CreateImage reboot is under way: a stopped instance comes back up instead of staying stopped. */
  rebooting?: boolean;
}

export interface FakeImage {
  id: string;
  region: string;
  name: string;
  state: 'pending' | 'available';
  polls: number;
  ownerId: string;
  snapshots: string[];
  tags: Tag[];
  creationDate: string;
  encrypted: boolean;
  kmsKeyId?: string;
  launchPermissions: Record<string, string>[];
  hiddenPolls: number;
  /** RegisterImage's root device, architecture and root size; CreateImage's images use the defaults. */
  rootDeviceName?: string;
  architecture?: string;
  sizeGiB?: number;
}

export interface FakeSnapshot {
  id: string;
  region: string;
  tags: Tag[];
  startTime: Date;
  createVolumeUsers: string[];
  /** What EC2 writes for an AMI's snapshot: "Created by CreateImage(i-…) for ami-… from vol-…". */
  description: string;
  /** Snapshots of a volume (CreateSnapshot) start pending; those behind images are completed. */
  state?: 'pending' | 'completed';
  polls?: number;
  volumeId?: string;
  sizeGiB?: number;
}

export interface FakeVolume {
  id: string;
  region: string;
  az: string;
  state: 'creating' | 'available' | 'in-use' | 'deleting';
  polls: number;
  sizeGiB: number;
  snapshotId?: string;
  tags: Tag[];
  createTime: Date;
  attachment?: { instanceId: string; device: string; state: 'attaching' | 'attached' | 'detaching' };
}

export interface FakeGroup {
  id: string;
  region: string;
  name: string;
  vpcId?: string;
  tags: Tag[];
  ingress: unknown[];
}

export interface FakeKeyPair {
  name: string;
  region: string;
  publicKey: string;
  tags: Tag[];
  createTime: Date;
}

export interface Faults {
  /** Fraction (0..1) of calls answered with RequestLimitExceeded, deterministically spread. */
  throttleRate?: number;
  /** Describe calls that answer NotFound for a just-created instance or image. */
  notFoundPolls?: number;
  /** Instance types RunInstances refuses with InsufficientInstanceCapacity. */
  noCapacity?: string[];
  /** Subnets where RunInstances finds no capacity for any type. */
  noCapacityIn?: string[];
  /** Regions where CopyImage fails. */
  copyFailsIn?: string[];
  /** While set, terminating instances stay shutting-down: a slow termination, for tests that act during cleanup. */
  holdTermination?: boolean;
  /** Called when a volume is attached or detached: tests make the device appear (a loop device) and go. */
  onAttach?: (volumeId: string, device: string) => void;
  onDetach?: (volumeId: string, device: string) => void;
  /** Called before each call: throw to fail it (e.g. abort at a given command). */
  before?: (command: string, region: string) => void;
}

export function ec2Error(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: code, Code: code, $fault: 'client', $metadata: { httpStatusCode: 400 } });
}

export const OWNER = '111122223333';
