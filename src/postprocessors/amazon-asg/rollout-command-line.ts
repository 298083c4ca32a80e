import { shellQuote as q } from '../../communicator/index.js';
import type { ResolvedAmazonAsg } from './resolve.js';

const word = (v: string) => (/^[\w.,:=@/+-]+$/.test(v) ? v : q(v));

/**
 * The `bake rollout` command that does what this post-processor would have done with `images`:
 * the same groups, launch template settings and instance refresh (flags only where the template
 * differs from the defaults), for rolling an image out deliberately.
 */
export function rolloutCommandLine(c: ResolvedAmazonAsg, images: Record<string, string>): string {
  const args = ['bake', 'rollout'];
  for (const [region, id] of Object.entries(images)) args.push('--ami', `${region}=${id}`);
  for (const name of c.selector.names ?? []) args.push('--asg', word(name));
  for (const [key, value] of Object.entries(c.selector.tags ?? {})) args.push('--asg-tag', word(`${key}=${value}`));
  if (typeof c.access.profile === 'string') args.push('--profile', word(c.access.profile));
  if (!c.swap.setDefaultVersion) args.push('--set-default-version', 'false');
  if (c.swap.groupVersion) args.push('--group-version', q(c.swap.groupVersion));
  if (c.swap.keepLaunchConfigurations !== 2) args.push('--keep-launch-configurations', String(c.swap.keepLaunchConfigurations));
  const r = c.refresh;
  if (!r.enabled) args.push('--no-refresh');
  if (r.minHealthyPercentage !== undefined) args.push('--min-healthy', String(r.minHealthyPercentage));
  if (r.maxHealthyPercentage !== undefined) args.push('--max-healthy', String(r.maxHealthyPercentage));
  if (r.instanceWarmupSeconds !== undefined) args.push('--instance-warmup', `${r.instanceWarmupSeconds}s`);
  if (r.checkpointPercentages?.length) args.push('--checkpoints', r.checkpointPercentages.join(','));
  if (r.checkpointDelaySeconds !== undefined) args.push('--checkpoint-delay', `${r.checkpointDelaySeconds}s`);
  if (!r.skipMatching) args.push('--no-skip-matching');
  if (!r.autoRollback) args.push('--no-auto-rollback');
  for (const alarm of r.alarms) args.push('--alarm', word(alarm));
  if (!r.wait) args.push('--no-wait');
  if (r.timeoutMs !== 3_600_000) args.push('--timeout', `${Math.round(r.timeoutMs / 1000)}s`);
  if (r.pollIntervalMs !== 15_000) args.push('--poll-interval', `${Math.round(r.pollIntervalMs / 1000)}s`);
  if (r.replaceRunning) args.push('--replace-running');
  return args.join(' ');
}
