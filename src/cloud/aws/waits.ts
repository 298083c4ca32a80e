import type { DescribeImagesCommandOutput, DescribeInstancesCommandOutput, EC2Client, Image, Instance } from '@aws-sdk/client-ec2';
import { BakeError, errorText } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { waitUntil } from '../../core/wait.js';
import { isNotFound, isTransient } from './errors.js';
import { send } from './send.js';

/** Packer's aws_polling, or bake's defaults: first poll after 1s, backing off to 15s. */
export interface Polling {
  minDelayMs: number;
  maxDelayMs: number;
  maxWaitMs: number;
}

export interface WaitContext {
  signal: AbortSignal;
  log?: Logger;
  polling: Polling;
}

function progress(ctx: WaitContext, label: string) {
  return (elapsedMs: number) =>
    ctx.log?.progress(`waiting for ${label}`, { label: 'wait', current: Math.round(elapsedMs / 1000), unit: 'seconds' });
}

/**
 * Polls `check` within the wait's own bounds. A check that keeps failing with throttling, a 5xx or a
 * dropped connection (after send's and the SDK's retries) counts as "not yet" until the wait's
 * timeout: an EC2 hiccup during a long wait does not fail the build, and a lasting outage ends the
 * wait at its timeout, never later, so the build's cleanup runs.
 */
function poll<T>(what: string, ctx: WaitContext, check: () => Promise<T | undefined>): Promise<T> {
  let warned = false;
  const tolerate = (err: unknown) => {
    if (!isTransient((err as { cause?: unknown }).cause ?? err)) return false;
    if (!warned) ctx.log?.warn(`${errorText(err)}; still waiting for ${what}`);
    warned = true;
    return true;
  };
  return waitUntil(check, { what, signal: ctx.signal, ...ctx.polling, onPoll: progress(ctx, what), tolerate });
}

/** The instance, or null while EC2 does not know it (just launched, or long gone). */
async function describeInstance(client: EC2Client, id: string, signal: AbortSignal): Promise<Instance | null> {
  const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  try {
    const out = await send<DescribeInstancesCommandOutput>(client, new DescribeInstancesCommand({ InstanceIds: [id] }), { what: `describe instance ${id}`, signal });
    return out.Reservations?.[0]?.Instances?.[0] ?? null;
  } catch (err) {
    if (isNotFound((err as { cause?: unknown }).cause)) return null;
    throw err;
  }
}

/** Waits for an instance to reach one of `states`; a not-found right after RunInstances is retried. */
export async function waitInstanceState(client: EC2Client, id: string, states: string[], ctx: WaitContext): Promise<Instance> {
  const what = `instance ${id} to be ${states.join(' or ')}`;
  return poll(what, ctx, async () => {
    const instance = await describeInstance(client, id, ctx.signal);
    const state = instance?.State?.Name ?? '';
    if (instance && states.includes(state)) return instance;
    if (state === 'terminated' || state === 'shutting-down') {
      const reason = instance?.StateReason?.Message ?? instance?.StateTransitionReason ?? 'no reason given';
      throw new BakeError(`instance ${id} was terminated while waiting for it to be ${states.join(' or ')}: ${reason}`);
    }
    return undefined;
  });
}

/** Not-found answers in a row after which an instance counts as gone rather than not visible yet. */
const GONE_AFTER = 3;

/**
 * Waits until the instance is terminated (or EC2 no longer knows it). EC2 shows a terminated
 * instance for about an hour, so one not-found right after launch means "not visible yet": only a
 * few in a row count as gone (else its security group would be deleted under a live instance).
 */
export async function waitTerminated(client: EC2Client, id: string, ctx: WaitContext): Promise<void> {
  const what = `instance ${id} to be terminated`;
  let missing = 0;
  await poll(what, ctx, async () => {
    const instance = await describeInstance(client, id, ctx.signal);
    missing = instance === null ? missing + 1 : 0;
    return missing >= GONE_AFTER || instance?.State?.Name === 'terminated' ? true : undefined;
  });
}

/**
 * Waits for an AMI to be available; "failed" ends the wait with EC2's reason. `onView` sees every
 * answer, pending ones too: the snapshot ids in it let a cleanup remove them even if the AMI cannot
 * be described again.
 */
export async function waitImageAvailable(client: EC2Client, id: string, region: string, ctx: WaitContext, onView?: (image: Image) => void): Promise<Image> {
  const what = `AMI ${id} in ${region} to be available`;
  return poll(what, ctx, async () => {
    let out: DescribeImagesCommandOutput;
    try {
      const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
      out = await send(client, new DescribeImagesCommand({ ImageIds: [id] }), { what: `describe AMI ${id} in ${region}`, signal: ctx.signal });
    } catch (err) {
      if (isNotFound((err as { cause?: unknown }).cause)) return undefined;
      throw err;
    }
    const image = out.Images?.[0];
    if (image) onView?.(image);
    if (image?.State === 'available') return image;
    if (image?.State === 'failed' || image?.State === 'error' || image?.State === 'invalid') {
      throw new BakeError(`AMI ${id} in ${region} failed: ${image.StateReason?.Message ?? image.State}`);
    }
    return undefined;
  });
}
