import type { MixedInstancesPolicy } from '@aws-sdk/client-auto-scaling';

/** What an Auto Scaling group launches from, as bake sees it. */
export type GroupSource =
  | {
      kind: 'launch-template' | 'mixed-instances';
      templateId: string;
      templateName: string;
      /** The version as the group names it: "$Latest", "$Default" or a number. */
      version: string;
      /** A mixed instances policy as AWS described it, sent back whole with only the template version changed. */
      policy?: MixedInstancesPolicy;
    }
  | { kind: 'launch-configuration'; name: string };

export interface GroupInfo {
  name: string;
  region: string;
  source: GroupSource;
  desiredCapacity: number;
  /** A refresh already Pending/InProgress/Cancelling/RollbackInProgress/Baking. */
  activeRefresh?: { id: string; status: string };
}

/** One side of a swap: where the group launched from, or will. */
export interface GroupState {
  imageId: string;
  /** Launch template: the version the group names, and the number it resolves to. */
  templateVersion?: string;
  resolvedVersion?: number;
  defaultVersion?: number;
  /** Launch configuration name. */
  configuration?: string;
}

/** A swap of one group, planned (check) or applied; kept in artifact metadata for rollback. */
export interface GroupChange {
  group: string;
  region: string;
  kind: GroupSource['kind'];
  templateId?: string;
  templateName?: string;
  mixedPolicy?: MixedInstancesPolicy;
  previous: GroupState;
  next: GroupState;
  /** A rollback: `next` names an existing version / configuration, nothing is created. */
  reuse?: boolean;
  /** The new launch template version / configuration exists (so an undo must remove it). */
  created?: boolean;
  /** Nothing to do: the group already launches the image. */
  unchanged: boolean;
  refresh?: { id: string; status: string; reason?: string };
}

export function describeTarget(c: GroupChange, s: GroupState): string {
  if (c.kind === 'launch-configuration') return `launch configuration ${s.configuration} (${s.imageId})`;
  const n = `${s.resolvedVersion ?? '(new)'}`;
  const v = s.templateVersion?.startsWith('$') ? `${s.templateVersion} = ${n}` : n;
  return `launch template ${c.templateName} version ${v} (${s.imageId})`;
}

/** How the group is pointed at the new image. */
export interface SwapOptions {
  /** Make the new launch template version the template's default. */
  setDefaultVersion: boolean;
  /** What the group references afterwards; undefined keeps what it references now. */
  groupVersion?: '$Latest' | '$Default' | 'exact';
  /** VersionDescription of the new launch template version. */
  versionDescription: string;
  /** bake-made launch configuration copies kept per family (older unused ones are deleted). */
  keepLaunchConfigurations: number;
}
