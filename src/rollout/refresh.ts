import type * as Asg from '@aws-sdk/client-auto-scaling';
import { awsCode } from '../cloud/aws/index.js';
import { BakeError } from '../core/errors.js';
import type { Logger } from '../core/events.js';
import { formatDuration, waitUntil } from '../core/wait.js';
import { call, type RolloutClients } from './clients.js';
import { listRefreshes } from './list-refreshes.js';
import type { RefreshOptions } from './refresh-options.js';
import type { GroupChange } from './types.js';
import { withSpec } from './update-group.js';

const DONE = new Set(['Successful', 'Failed', 'Cancelled', 'RollbackSuccessful', 'RollbackFailed']);
/** Statuses of a refresh that is still changing the group. */
export const ACTIVE = new Set(['Pending', 'InProgress', 'Cancelling', 'RollbackInProgress', 'Baking']);

export interface RefreshOutcome {
  id: string;
  status: string;
  reason?: string;
  /** The wait ended by timeout; the refresh may still be running. */
  timedOut?: boolean;
}

/** AWS rolls back only to and from numbered versions, so launch configurations get no DesiredConfiguration. */
function desired(c: GroupChange): Asg.DesiredConfiguration | undefined {
  if (c.kind === 'launch-configuration') return undefined;
  const spec = { LaunchTemplateId: c.templateId, Version: String(c.next.resolvedVersion) };
  return c.kind === 'mixed-instances' ? { MixedInstancesPolicy: withSpec(c, spec) } : { LaunchTemplate: spec };
}

export function canAutoRollback(c: GroupChange, o: RefreshOptions): boolean {
  return o.autoRollback && c.kind !== 'launch-configuration';
}

/** `back`: replace the instances that do not match the group's (restored) configuration, without AWS rollback. */
export async function startRefresh(clients: RolloutClients, c: GroupChange, o: RefreshOptions, back = false): Promise<string> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  const preferences: Asg.RefreshPreferences = {
    MinHealthyPercentage: o.minHealthyPercentage,
    MaxHealthyPercentage: o.maxHealthyPercentage,
    InstanceWarmup: o.instanceWarmupSeconds,
    CheckpointPercentages: o.checkpointPercentages,
    CheckpointDelay: o.checkpointDelaySeconds,
    SkipMatching: back ? true : o.skipMatching,
    AutoRollback: back ? false : canAutoRollback(c, o),
    ...(o.alarms.length ? { AlarmSpecification: { Alarms: o.alarms } } : {}),
  };
  const wanted = back ? undefined : desired(c);
  try {
    const out = await call<Asg.StartInstanceRefreshCommandOutput>(
      await clients.asg(c.region),
      new asg.StartInstanceRefreshCommand({ AutoScalingGroupName: c.group, Strategy: 'Rolling', DesiredConfiguration: wanted, Preferences: preferences }),
      `start an instance refresh of ${c.group} in ${c.region}`,
      clients.signal,
    );
    return out.InstanceRefreshId ?? '';
  } catch (err) {
    // StartInstanceRefresh has no idempotency token: a retry after a lost answer meets the refresh
    // the first try started. It is ours when it rolls out exactly our version.
    const ours = awsCode((err as { cause?: unknown }).cause) === 'InstanceRefreshInProgress' && wanted ? await activeRefreshOf(clients, c, wanted) : undefined;
    if (!ours) throw err;
    return ours;
  }
}

/** The id of the group's active refresh that rolls out `wanted`, if there is one. */
async function activeRefreshOf(clients: RolloutClients, c: GroupChange, wanted: Asg.DesiredConfiguration): Promise<string | undefined> {
  const spec = (d: Asg.DesiredConfiguration | undefined) => d?.LaunchTemplate ?? d?.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  const want = spec(wanted);
  return (await listRefreshes(clients, c.region, c.group)).find(
    (r) => ACTIVE.has(r.Status ?? '') && spec(r.DesiredConfiguration)?.LaunchTemplateId === want?.LaunchTemplateId && spec(r.DesiredConfiguration)?.Version === want?.Version,
  )?.InstanceRefreshId;
}

export async function describeRefresh(clients: RolloutClients, region: string, group: string, id: string, signal: AbortSignal): Promise<Asg.InstanceRefresh> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  const out = await call<Asg.DescribeInstanceRefreshesCommandOutput>(
    await clients.asg(region),
    new asg.DescribeInstanceRefreshesCommand({ AutoScalingGroupName: group, InstanceRefreshIds: [id] }),
    `describe instance refresh ${id} of ${group} in ${region}`,
    signal,
  );
  const r = out.InstanceRefreshes?.[0];
  if (!r) throw new BakeError(`instance refresh ${id} of ${group} in ${region} not found`);
  return r;
}

/** Polls until the refresh ends (or `statuses` is reached), showing percent complete and instances left. */
export async function waitRefresh(
  clients: RolloutClients,
  c: { group: string; region: string },
  id: string,
  o: { timeoutMs: number; pollIntervalMs: number },
  log: Logger,
  signal = clients.signal,
): Promise<RefreshOutcome> {
  let last = '';
  let status = 'InProgress';
  try {
    return await waitUntil(
      async () => {
        const r = await describeRefresh(clients, c.region, c.group, id, signal);
        status = r.Status ?? status;
        const pct = r.PercentageComplete ?? 0;
        const line = `${c.group}: instance refresh ${r.Status} ${pct}% (${r.InstancesToUpdate ?? '?'} instance(s) to update)`;
        if (line !== last) log.progress(line, { label: `refresh ${c.group}`, current: pct, total: 100, unit: 'percent', done: DONE.has(r.Status ?? '') });
        last = line;
        return DONE.has(r.Status ?? '') ? { id, status: r.Status ?? '', reason: r.StatusReason } : undefined;
      },
      { what: `instance refresh ${id} of ${c.group}`, minDelayMs: Math.min(2000, o.pollIntervalMs), maxDelayMs: o.pollIntervalMs, maxWaitMs: o.timeoutMs, signal },
    );
  } catch (err) {
    if (err instanceof BakeError && err.message.startsWith('timed out')) return { id, status, timedOut: true, reason: `not finished after ${formatDuration(o.timeoutMs)}` };
    throw err;
  }
}

export async function rollbackRefresh(clients: RolloutClients, c: GroupChange, signal: AbortSignal): Promise<void> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  await call(await clients.asg(c.region), new asg.RollbackInstanceRefreshCommand({ AutoScalingGroupName: c.group }), `roll back the instance refresh of ${c.group} in ${c.region}`, signal);
}

export async function cancelRefresh(clients: RolloutClients, region: string, group: string, signal: AbortSignal): Promise<void> {
  const asg = await import('@aws-sdk/client-auto-scaling');
  await call(await clients.asg(region), new asg.CancelInstanceRefreshCommand({ AutoScalingGroupName: group }), `cancel the instance refresh of ${group} in ${region}`, signal);
}
