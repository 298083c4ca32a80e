import type { Image, Instance } from '@aws-sdk/client-ec2';
import type { BuildContext } from '../../core/context.js';
import type { Ec2Clients, WaitContext } from '../../cloud/aws/index.js';
import type { AmiBuildConfig } from './resolved.js';

/** What every step starts with. */
export interface Init {
  clients: Ec2Clients;
  /** Set by the last step: until then, cleanups remove the AMIs made so far. */
  outcome: { succeeded: boolean };
  /** Tags every AMI of the build gets besides `tags` (bake:fingerprint with --skip-unchanged). */
  imageTags?: Record<string, string>;
}

export interface SourceState {
  source: { id: string; name: string; tags: Record<string, string>; image: Image };
}

export interface KeyState {
  /** The key pair the instance is launched with; undefined when none (password or no SSH). */
  keyName?: string;
  /** The temporary key's private half (never written to disk). */
  privateKey?: string;
}

export interface GroupState {
  securityGroupIds: string[];
}

export interface InstanceState {
  instanceId: string;
}

export interface RunningState {
  instance: Instance;
}

export interface ImageState {
  /** AMI per region, the build region first; empty with skip_create_ami. */
  images: Record<string, string>;
  /** The EBS snapshots of each region's AMI, as the wait for it saw them. */
  snapshots: Record<string, string[]>;
}

export function snapshotIds(image: Image | undefined): string[] {
  return (image?.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : []));
}

/**
 * Values tags and descriptions may use: {{ .SourceAMI }}, {{ .BuildRegion }}, … BuildRegion is the
 * region the build ran in, for the copies in other regions too, as Packer renders it.
 */
export function templateData(cfg: AmiBuildConfig, s: SourceState): Record<string, unknown> {
  return { SourceAMI: s.source.id, SourceAMIName: s.source.name, SourceAMITags: s.source.tags, BuildRegion: cfg.region, SourceAMIOwner: s.source.image.OwnerId ?? '' };
}

export function waitCtx(ctx: BuildContext, cfg: AmiBuildConfig, kind: 'instance' | 'image', signal = ctx.signal): WaitContext {
  return { signal, log: ctx.log, polling: kind === 'instance' ? cfg.instancePolling : cfg.imagePolling };
}
