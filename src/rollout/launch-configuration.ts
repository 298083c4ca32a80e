import type * as Asg from '@aws-sdk/client-auto-scaling';
import { BakeError } from '../core/errors.js';
import { call, type RolloutClients } from './clients.js';

/** Copies bake makes are named "<original>-bake-<UTC yyyymmddhhmmss>", so later swaps find the family. */
const COPY_SUFFIX = /-bake-\d{14}$/;

export function familyOf(name: string): string {
  return name.replace(COPY_SUFFIX, '');
}

export function copyName(name: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${familyOf(name)}-bake-${stamp}`;
}

export function isBakeCopy(name: string): boolean {
  return COPY_SUFFIX.test(name);
}

export async function describeConfigurations(clients: RolloutClients, region: string, names?: string[]): Promise<Asg.LaunchConfiguration[]> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  const client = await clients.asg(region);
  const all: Asg.LaunchConfiguration[] = [];
  let token: string | undefined;
  do {
    const out = await call<Asg.DescribeLaunchConfigurationsCommandOutput>(
      client,
      new asg.DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: names, NextToken: token }),
      `describe launch configurations in ${region}`,
      clients.signal,
    );
    all.push(...(out.LaunchConfigurations ?? []));
    token = out.NextToken;
  } while (token);
  return all;
}

export async function describeConfiguration(clients: RolloutClients, region: string, name: string): Promise<Asg.LaunchConfiguration> {
  const [lc] = await describeConfigurations(clients, region, [name]);
  if (!lc) throw new BakeError(`launch configuration ${name} not found in ${region}`);
  return lc;
}

/** Launch configurations cannot be edited: a copy of `source` under `name` with only ImageId changed. */
export async function copyConfiguration(clients: RolloutClients, region: string, source: Asg.LaunchConfiguration, name: string, imageId: string): Promise<void> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  const { LaunchConfigurationName: _n, LaunchConfigurationARN: _a, CreatedTime: _c, ...rest } = source;
  // DescribeLaunchConfigurations returns "" for unset kernel/ramdisk, which CreateLaunchConfiguration rejects.
  const input: Record<string, unknown> = { ...rest, LaunchConfigurationName: name, ImageId: imageId };
  for (const key of ['KernelId', 'RamdiskId', 'KeyName', 'UserData']) if (input[key] === '') delete input[key];
  await call(await clients.asg(region), new asg.CreateLaunchConfigurationCommand(input as never), `create launch configuration ${name} in ${region}`, clients.signal);
}

export async function deleteConfiguration(clients: RolloutClients, region: string, name: string, signal = clients.signal): Promise<void> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  await call(await clients.asg(region), new asg.DeleteLaunchConfigurationCommand({ LaunchConfigurationName: name }), `delete launch configuration ${name} in ${region}`, signal);
}
