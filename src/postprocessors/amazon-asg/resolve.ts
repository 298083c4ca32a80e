import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { PluginEnv } from '../../plugins/types.js';
import { type AccessInput } from '../../rollout/access-schema.js';
import type { GroupSelector } from '../../rollout/groups.js';
import { resolveRefreshOptions, type RefreshOptions } from '../../rollout/refresh-options.js';
import type { SmokeTestConfig } from '../../rollout/smoke-test.js';
import type { SwapOptions } from '../../rollout/types.js';
import type { AmazonAsgConfig } from './schema.js';

export interface ResolvedAmazonAsg {
  where: string;
  access: AccessInput;
  selector: GroupSelector;
  regions?: string[];
  /** Undefined: "bake <build>: <AMI>", known only at run time. */
  versionDescription?: string;
  swap: Omit<SwapOptions, 'versionDescription'>;
  refresh: RefreshOptions;
  dryRun: boolean;
  smokeTest?: SmokeTestConfig;
  /** Absolute path of the record file (relative paths: to the working directory, like manifest output). */
  recordFile?: string;
  skipIfUnchangedPackages: boolean;
  env: PluginEnv;
}

export function resolveAmazonAsg(c: AmazonAsgConfig, env: PluginEnv): ResolvedAmazonAsg {
  const where = `${env.file}: ${env.path}`;
  const names = c.auto_scaling_group_names ?? [];
  const tags = c.auto_scaling_group_tags ?? {};
  if (names.length === 0 && Object.keys(tags).length === 0) {
    throw new UsageError(`${where}: needs auto_scaling_group_names or auto_scaling_group_tags (which groups to update)`);
  }
  const setDefault = c.set_default_version ?? true;
  if (c.group_version === '$Default' && !setDefault) {
    throw new UsageError(`${where}.group_version: "$Default" needs set_default_version: true, or the group would never launch the new AMI`);
  }
  return {
    where,
    access: c,
    selector: { names, tags },
    regions: c.regions,
    versionDescription: c.launch_template_version_description,
    swap: { setDefaultVersion: setDefault, groupVersion: c.group_version, keepLaunchConfigurations: c.keep_launch_configurations ?? 2 },
    refresh: resolveRefreshOptions(c.instance_refresh, `${where}.instance_refresh`),
    dryRun: c.dry_run ?? false,
    smokeTest: c.smoke_test as SmokeTestConfig | undefined,
    recordFile: c.rollout_record ? resolve(c.rollout_record) : undefined,
    skipIfUnchangedPackages: c.skip_if_unchanged_packages ?? false,
    env,
  };
}
