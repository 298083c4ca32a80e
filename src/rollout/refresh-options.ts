import { UsageError } from '../core/errors.js';
import { parseDuration } from '../core/wait.js';
import { bool, duration, int } from '../plugins/schema-helpers.js';

/** The `instance_refresh` block of amazon-asg, also filled from `bake rollout` flags. Ranges are AWS's. */
export const instanceRefreshSchema = {
  type: 'object',
  description: 'Replace the group\'s instances with StartInstanceRefresh after the swap.',
  additionalProperties: false,
  properties: {
    enabled: bool('Start an instance refresh after the swap; false only points the group at the new image (new instances get it).', true),
    min_healthy_percentage: { type: 'integer', minimum: 0, maximum: 100, description: 'Percentage of the group kept in service during the refresh (AWS default 90).' },
    max_healthy_percentage: { type: 'integer', minimum: 100, maximum: 200, description: 'Percentage of the group that may be in service or pending (100-200; at most min_healthy_percentage + 100).' },
    instance_warmup: duration('Time a new instance gets after InService before the next one is replaced; default: the group\'s DefaultInstanceWarmup.'),
    checkpoint_percentages: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 100 }, description: 'Ascending, unique percentages at which the refresh pauses for checkpoint_delay; the last must be 100.' },
    checkpoint_delay: duration('Pause at each checkpoint (AWS default 1h); needs checkpoint_percentages.'),
    skip_matching: bool('Do not replace instances that already run the new launch template version / configuration.', true),
    auto_rollback: bool('Let AWS roll the group back when the refresh fails or an alarm fires.', true),
    alarm_specification: { type: 'array', items: { type: 'string' }, description: 'CloudWatch alarm names that fail the refresh (and roll it back) when they go to ALARM.' },
    wait: bool('Wait until the refresh ends; false returns once it started.', true),
    timeout: duration('How long to wait for the refresh; on timeout it is rolled back and the build fails.', '60m'),
    poll_interval: duration('Longest delay between two progress checks (the first comes sooner).', '15s'),
    replace_running: bool('If a refresh is already running on the group, cancel it and start ours instead of failing.', false),
  },
} as const;

export interface RefreshOptions {
  enabled: boolean;
  minHealthyPercentage?: number;
  maxHealthyPercentage?: number;
  instanceWarmupSeconds?: number;
  checkpointPercentages?: number[];
  checkpointDelaySeconds?: number;
  skipMatching: boolean;
  autoRollback: boolean;
  alarms: string[];
  wait: boolean;
  timeoutMs: number;
  pollIntervalMs: number;
  replaceRunning: boolean;
}

export interface RefreshInput {
  enabled?: boolean;
  min_healthy_percentage?: number;
  max_healthy_percentage?: number;
  instance_warmup?: string;
  checkpoint_percentages?: number[];
  checkpoint_delay?: string;
  skip_matching?: boolean;
  auto_rollback?: boolean;
  alarm_specification?: string[];
  wait?: boolean;
  timeout?: string;
  poll_interval?: string;
  replace_running?: boolean;
}

function seconds(value: string | undefined, path: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`${path}: must be a duration like "5m"`);
  return Math.round(ms / 1000);
}

/**
 * Applies defaults and checks the rules AWS would reject only after the swap was made, so a bad
 * value fails before anything changed. `path` prefixes messages: "t.json: post-processors[0].instance_refresh".
 */
export function resolveRefreshOptions(input: RefreshInput = {}, path = 'instance_refresh'): RefreshOptions {
  const o: RefreshOptions = {
    enabled: input.enabled ?? true,
    minHealthyPercentage: input.min_healthy_percentage,
    maxHealthyPercentage: input.max_healthy_percentage,
    instanceWarmupSeconds: seconds(input.instance_warmup, `${path}.instance_warmup`),
    checkpointPercentages: input.checkpoint_percentages,
    checkpointDelaySeconds: seconds(input.checkpoint_delay, `${path}.checkpoint_delay`),
    skipMatching: input.skip_matching ?? true,
    autoRollback: input.auto_rollback ?? true,
    alarms: input.alarm_specification ?? [],
    wait: input.wait ?? true,
    timeoutMs: parseDuration(input.timeout ?? '60m') ?? 3_600_000,
    pollIntervalMs: parseDuration(input.poll_interval ?? '15s') ?? 15_000,
    replaceRunning: input.replace_running ?? false,
  };
  const min = o.minHealthyPercentage;
  const max = o.maxHealthyPercentage;
  if (min !== undefined && (min < 0 || min > 100)) throw new UsageError(`${path}.min_healthy_percentage: must be between 0 and 100, got ${min}`);
  if (max !== undefined && (max < 100 || max > 200)) throw new UsageError(`${path}.max_healthy_percentage: must be between 100 and 200, got ${max}`);
  if (max !== undefined && min === undefined) throw new UsageError(`${path}.max_healthy_percentage: needs min_healthy_percentage too (AWS requires both)`);
  if (max !== undefined && min !== undefined && max - min > 100) {
    throw new UsageError(`${path}: max_healthy_percentage (${max}) - min_healthy_percentage (${min}) must be at most 100`);
  }
  const cps = o.checkpointPercentages;
  if (cps !== undefined) {
    if (cps.length === 0 || cps.some((p, i) => p < 1 || p > 100 || (i > 0 && p <= cps[i - 1]))) {
      throw new UsageError(`${path}.checkpoint_percentages: must be unique, ascending values from 1 to 100, got [${cps.join(', ')}]`);
    }
    if (cps[cps.length - 1] !== 100) throw new UsageError(`${path}.checkpoint_percentages: the last value must be 100 so every instance is replaced, got ${cps[cps.length - 1]}`);
  }
  if (o.checkpointDelaySeconds !== undefined && cps === undefined) throw new UsageError(`${path}.checkpoint_delay: needs checkpoint_percentages`);
  if (o.checkpointDelaySeconds !== undefined && o.checkpointDelaySeconds > 172_800) throw new UsageError(`${path}.checkpoint_delay: must be at most 48h`);
  if (o.instanceWarmupSeconds !== undefined && o.instanceWarmupSeconds > 2_147_483_647) throw new UsageError(`${path}.instance_warmup: too long`);
  if (o.alarms.length > 10) throw new UsageError(`${path}.alarm_specification: at most 10 alarms, got ${o.alarms.length}`);
  return o;
}
