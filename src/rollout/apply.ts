import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/events.js';
import { BakeError, errorText } from '../core/errors.js';
import type { RolloutClients } from './clients.js';
import { describeConfiguration, copyConfiguration, deleteConfiguration } from './launch-configuration.js';
import { createVersion, deleteVersion, listVersions, setDefaultVersion } from './launch-template.js';
import { groupReference, pointGroup } from './update-group.js';
import type { GroupChange, SwapOptions } from './types.js';

export interface ApplyContext {
  clients: RolloutClients;
  log: Logger;
  journal?: Journal;
}

export const LT_VERSION = 'aws:launch-template-version';
export const LAUNCH_CONFIGURATION = 'aws:launch-configuration';

/**
 * Makes the planned change; fills in the new version number. Each created resource is journaled
 * before the next call. `viaRefresh`: an instance refresh with a DesiredConfiguration will move the
 * group, so a group on "$Latest"/"$Default" is first pinned to the number it runs now (AWS rolls
 * back only between numbered versions) and is not pointed at the new version here.
 */
export async function applyChange(ctx: ApplyContext, c: GroupChange, swap: SwapOptions, viaRefresh: boolean): Promise<void> {
  const { clients, log } = ctx;
  if (c.kind === 'launch-configuration') {
    const name = c.next.configuration!;
    if (!c.reuse) {
      const source = await describeConfiguration(clients, c.region, c.previous.configuration!);
      await copyConfiguration(clients, c.region, source, name, c.next.imageId);
      ctx.journal?.created({ type: LAUNCH_CONFIGURATION, id: name, region: c.region });
      c.created = true;
      log.info(`${c.group}: created launch configuration ${name} with ${c.next.imageId}`);
    }
    await pointGroup(clients, c, { configuration: name });
    log.info(`${c.group}: now launches from ${name}`);
    return;
  }
  const pinned = String(c.previous.resolvedVersion);
  if (viaRefresh && c.previous.templateVersion !== pinned) await pointGroup(clients, c, { version: pinned });
  let number = c.next.resolvedVersion!;
  if (!c.reuse) {
    number = await createVersion(clients, c.region, c.templateId!, c.previous.resolvedVersion!, c.next.imageId, swap.versionDescription).catch((err) => createdAnyway(ctx, c, swap, err));
    ctx.journal?.created({ type: LT_VERSION, id: `${c.templateId}:${number}`, region: c.region });
    c.next.resolvedVersion = number;
    c.created = true;
    log.info(`${c.group}: created launch template ${c.templateName} version ${number} with ${c.next.imageId}`);
  }
  if (swap.setDefaultVersion) {
    await setDefaultVersion(clients, c.region, c.templateId!, number);
    c.next.defaultVersion = number;
    log.info(`${c.group}: version ${number} is now the default of ${c.templateName}`);
  }
  const ref = groupReference(c, 'next');
  if (!viaRefresh && ref !== c.previous.templateVersion) {
    await pointGroup(clients, c, { version: ref });
    log.info(`${c.group}: now launches ${c.templateName} version ${ref}`);
  }
}

/**
 * CreateLaunchTemplateVersion failed, but a try whose answer was lost may have made the version
 * (its retries, under the same ClientToken, all failing): look for it by its image and description,
 * which no version had before the plan chose to create one, so the rollout's undo can delete it.
 */
async function createdAnyway(ctx: ApplyContext, c: GroupChange, swap: SwapOptions, err: unknown): Promise<number> {
  let versions;
  try {
    versions = await listVersions(ctx.clients, c.region, c.templateId!);
  } catch (listErr) {
    throw new BakeError(`${errorText(err)}; a version of ${c.templateName} with ${c.next.imageId} may have been made anyway, and listing the versions failed too (${errorText(listErr)}): check with aws ec2 describe-launch-template-versions --region ${c.region} --launch-template-id ${c.templateId}`);
  }
  const found = versions.find((v) => v.imageId === c.next.imageId && (v.description ?? '') === swap.versionDescription);
  if (!found) throw err;
  ctx.log.info(`${c.group}: version ${found.number} of ${c.templateName} was made by a try whose answer was lost; using it`);
  return found.number;
}

/**
 * Puts the group back where it was and removes what applyChange created. Runs on a failed refresh
 * or a failure half-way, with a cleanup signal; each undo is attempted even when another fails.
 */
export async function restoreChange(ctx: ApplyContext, c: GroupChange, signal: AbortSignal): Promise<string[]> {
  const { clients } = ctx;
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      failures.push(`${what}: ${errorText(err)}`);
    }
  };
  if (c.kind === 'launch-configuration') {
    await attempt('restore the launch configuration', () => pointGroup(clients, c, { configuration: c.previous.configuration }, signal));
    const name = c.next.configuration;
    if (!c.created || !name) return failures;
    try {
      await deleteConfiguration(clients, c.region, name, signal);
      ctx.journal?.removed({ type: LAUNCH_CONFIGURATION, id: name, region: c.region });
    } catch (err) {
      // Instances launched from it keep it in use until they are replaced; the journal keeps it for `bake cleanup`.
      ctx.log.warn(`${c.group}: launch configuration ${name} kept: ${errorText(err)}`);
    }
    return failures;
  }
  await attempt('restore the group\'s version', () => pointGroup(clients, c, { version: c.previous.templateVersion }, signal));
  if (c.next.defaultVersion !== c.previous.defaultVersion && c.previous.defaultVersion !== undefined) {
    await attempt('restore the default version', () => setDefaultVersion(clients, c.region, c.templateId!, c.previous.defaultVersion!, signal));
  }
  if (c.created) {
    const n = c.next.resolvedVersion!;
    await attempt(`delete launch template version ${n}`, async () => {
      await deleteVersion(clients, c.region, c.templateId!, n, `delete version ${n} of ${c.templateName}`, signal);
      ctx.journal?.removed({ type: LT_VERSION, id: `${c.templateId}:${n}`, region: c.region });
    });
  }
  return failures;
}

/** A committed swap's resources belong to the group now, not to a run that might be killed. */
export function commitChange(ctx: ApplyContext, c: GroupChange): void {
  if (!c.created) return;
  if (c.kind === 'launch-configuration') ctx.journal?.removed({ type: LAUNCH_CONFIGURATION, id: c.next.configuration!, region: c.region });
  else ctx.journal?.removed({ type: LT_VERSION, id: `${c.templateId}:${c.next.resolvedVersion}`, region: c.region });
}
