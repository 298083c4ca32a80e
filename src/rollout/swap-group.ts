import { BakeError, errorText } from '../core/errors.js';
import { formatDuration } from '../core/wait.js';
import { applyChange, commitChange, restoreChange, type ApplyContext } from './apply.js';
import type { RefreshOptions } from './refresh-options.js';
import { canAutoRollback, cancelRefresh, rollbackRefresh, startRefresh, waitRefresh, type RefreshOutcome } from './refresh.js';
import { describeTarget, type GroupChange, type SwapOptions } from './types.js';
import { groupReference, pointGroup } from './update-group.js';

export interface SwapContext extends ApplyContext {
  /** A signal for undo work that the first Ctrl-C does not fire. */
  cleanupSignal: (timeoutMs?: number) => AbortSignal;
}

/**
 * Swaps one group and refreshes it. On any failure the group is put back where it was (AWS's own
 * rollback when the refresh allows it) and the error names AWS's reason and where the group is now.
 */
export async function swapGroup(ctx: SwapContext, c: GroupChange, swap: SwapOptions, refresh: RefreshOptions): Promise<void> {
  const where = `Auto Scaling group ${c.group} in ${c.region}`;
  try {
    await applyChange(ctx, c, swap, refresh.enabled);
    if (refresh.enabled) {
      const id = await startRefresh(ctx.clients, c, refresh);
      c.refresh = { id, status: 'Pending' };
      ctx.log.info(`${c.group}: started instance refresh ${id}`);
    }
  } catch (err) {
    const failures = await restoreChange(ctx, c, ctx.cleanupSignal());
    throw new BakeError(`${where}: ${errorText(err)}; ${restored(c, failures)}`, { cause: err });
  }
  if (!c.refresh || !refresh.wait) {
    commitChange(ctx, c);
    return;
  }
  let outcome: RefreshOutcome;
  try {
    outcome = await waitRefresh(ctx.clients, c, c.refresh.id, refresh, ctx.log);
  } catch (err) {
    // Aborted or unable to poll: the refresh goes on in AWS; say how to follow or undo it.
    throw new BakeError(`${where}: stopped waiting for instance refresh ${c.refresh.id} (${errorText(err)}); it continues in AWS: follow it with \`aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${c.group}\` or undo it with \`bake rollback --asg ${c.group} --region ${c.region}\``, { cause: err });
  }
  c.refresh = { id: outcome.id, status: outcome.status, reason: outcome.reason };
  if (outcome.status === 'Successful') {
    // A refresh with a DesiredConfiguration leaves the group on the exact version; give it back the alias it uses.
    const ref = groupReference(c, 'next');
    if (c.kind !== 'launch-configuration' && ref !== String(c.next.resolvedVersion)) {
      await pointGroup(ctx.clients, c, { version: ref });
      ctx.log.info(`${c.group}: launches ${c.templateName} version ${ref} again`);
    }
    commitChange(ctx, c);
    ctx.log.say(`${c.group}: instance refresh ${outcome.id} successful; the group runs ${c.next.imageId}`);
    return;
  }
  const signal = ctx.cleanupSignal(refresh.timeoutMs + 600_000);
  const undo: string[] = [];
  // Already being cancelled or rolled back (by AWS or someone else): asking again would fail.
  const winding = outcome.status === 'Cancelling' || outcome.status === 'RollbackInProgress';
  if (outcome.timedOut && winding) {
    ctx.log.warn(`${c.group}: instance refresh ${outcome.id} is still ${outcome.status} in AWS; follow it with \`aws autoscaling describe-instance-refreshes --auto-scaling-group-name ${c.group} --region ${c.region}\``);
  } else if (outcome.timedOut) {
    try {
      if (canAutoRollback(c, refresh)) {
        await rollbackRefresh(ctx.clients, c, signal);
        ctx.log.warn(`${c.group}: instance refresh ${outcome.id} not finished after ${formatDuration(refresh.timeoutMs)}; rolling it back`);
        const rb = await waitRefresh(ctx.clients, c, outcome.id, { ...refresh, timeoutMs: refresh.timeoutMs }, ctx.log, signal);
        if (rb.status !== 'RollbackSuccessful') undo.push(`AWS rollback ended ${rb.status}${rb.reason ? `: ${rb.reason}` : ''}`);
      } else {
        await cancelRefresh(ctx.clients, c.region, c.group, signal);
      }
    } catch (err) {
      undo.push(errorText(err));
    }
  }
  if (outcome.status === 'RollbackFailed') undo.push(`AWS could not roll the refresh back${outcome.reason ? ` (${outcome.reason})` : ''}, so instances may still run ${c.next.imageId}`);
  undo.push(...(await restoreChange(ctx, c, signal)));
  if (!outcome.status.startsWith('Rollback') && !winding && undo.length === 0) {
    // No AWS rollback happened: instances already replaced still run the new image.
    try {
      const back = await startRefresh(ctx.clients, c, refresh, true);
      ctx.log.warn(`${c.group}: started instance refresh ${back} to put the replaced instances back on ${c.previous.imageId}`);
    } catch (err) {
      undo.push(`refresh back to ${c.previous.imageId}: ${errorText(err)}`);
    }
  }
  const reason = outcome.reason ? `: ${outcome.reason}` : '';
  const how = !outcome.timedOut ? outcome.status : winding ? `timed out while ${outcome.status} (it goes on in AWS)` : 'timed out';
  throw new BakeError(`${where}: instance refresh ${outcome.id} ${how}${reason}; ${restored(c, undo)}`);
}

function restored(c: GroupChange, failures: string[]): string {
  if (failures.length === 0) return `the group is back on ${describeTarget(c, c.previous)}`;
  return `restoring ${describeTarget(c, c.previous)} failed (${failures.join('; ')}); run \`bake rollback --asg ${c.group} --region ${c.region}\``;
}
