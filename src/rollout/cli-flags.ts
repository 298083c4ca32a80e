import { UsageError } from '../core/errors.js';
import type { RefreshInput } from './refresh-options.js';

/** The instance refresh flags `bake rollout` and `bake rollback` share, as commander hands them over. */
export interface RefreshFlags {
  refresh?: boolean;
  minHealthy?: string;
  maxHealthy?: string;
  instanceWarmup?: string;
  checkpoints?: string;
  checkpointDelay?: string;
  skipMatching?: boolean;
  autoRollback?: boolean;
  alarm?: string[];
  wait?: boolean;
  timeout?: string;
  pollInterval?: string;
  replaceRunning?: boolean;
}

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${flag}=${value}: expected a whole number`);
  return Number(value);
}

export function refreshInput(f: RefreshFlags): RefreshInput {
  return {
    enabled: f.refresh,
    min_healthy_percentage: integer('--min-healthy', f.minHealthy),
    max_healthy_percentage: integer('--max-healthy', f.maxHealthy),
    instance_warmup: f.instanceWarmup,
    checkpoint_percentages: f.checkpoints?.split(',').map((p) => integer('--checkpoints', p)!),
    checkpoint_delay: f.checkpointDelay,
    skip_matching: f.skipMatching,
    auto_rollback: f.autoRollback,
    alarm_specification: f.alarm,
    wait: f.wait,
    timeout: f.timeout,
    poll_interval: f.pollInterval,
    replace_running: f.replaceRunning,
  };
}

/** "k=v" pairs of a repeatable flag. */
export function keyValues(flag: string, values: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of values ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} ${kv}: expected key=value`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/** --region, else the SDK's environment variables; a rollout never guesses a region. */
export function regionOf(flag: string | undefined): string {
  const region = flag || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('--region is required (or set AWS_REGION)');
  return region;
}
