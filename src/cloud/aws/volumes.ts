import type { EC2Client, Volume } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import { waitUntil } from '../../core/wait.js';
import { awsCode, isNotFound } from './errors.js';
import { send } from './send.js';
import type { WaitContext } from './waits.js';

/** The volume, or null while EC2 does not know it (just created, or gone). */
export async function describeVolume(client: EC2Client, id: string, signal: AbortSignal): Promise<Volume | null> {
  const { DescribeVolumesCommand } = await import('@aws-sdk/client-ec2');
  try {
    const out = await send<{ Volumes?: Volume[] }>(client, new DescribeVolumesCommand({ VolumeIds: [id] }), { what: `describe volume ${id}`, signal });
    return out.Volumes?.[0] ?? null;
  } catch (err) {
    if (isNotFound((err as { cause?: unknown }).cause)) return null;
    throw err;
  }
}

/**
 * Waits until `test` accepts the volume. A volume that EC2 stops knowing, or that fails (state
 * "error"), ends the wait with an error; a not-found right after the create is waited out.
 */
export async function waitVolume(client: EC2Client, id: string, what: string, test: (v: Volume) => boolean, ctx: WaitContext): Promise<Volume> {
  let missing = 0;
  return waitUntil(
    async () => {
      const v = await describeVolume(client, id, ctx.signal);
      if (!v) {
        if (++missing > 5) throw new BakeError(`volume ${id} no longer exists while waiting for it to be ${what}`);
        return undefined;
      }
      if (v.State === 'error') throw new BakeError(`volume ${id} failed (state "error") while waiting for it to be ${what}`);
      return test(v) ? v : undefined;
    },
    { what: `volume ${id} to be ${what}`, signal: ctx.signal, ...ctx.polling },
  );
}

/** Detaches (forcing nothing) and waits until the volume is available again; a volume not attached or gone is done. */
export async function detachVolume(client: EC2Client, id: string, ctx: WaitContext): Promise<void> {
  const { DetachVolumeCommand } = await import('@aws-sdk/client-ec2');
  const v = await describeVolume(client, id, ctx.signal);
  const attachment = (v?.Attachments ?? []).find((a) => a.State === 'attached' || a.State === 'attaching');
  if (!attachment) return;
  try {
    // InstanceId and Device are optional on EC2, but moto answers a DetachVolume without them with an HTML 500.
    await send(client, new DetachVolumeCommand({ VolumeId: id, InstanceId: attachment.InstanceId, Device: attachment.Device }), { what: `detach volume ${id}`, signal: ctx.signal, retryNotFound: true });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    if (!isNotFound(cause) && awsCode(cause) !== 'IncorrectState') throw err;
  }
  await waitVolume(client, id, 'detached', (x) => x.State === 'available' || (x.Attachments ?? []).length === 0, ctx);
}

/** Detaches if needed, then deletes; a volume already gone counts as deleted. */
export async function deleteVolume(client: EC2Client, id: string, ctx: WaitContext): Promise<void> {
  const { DeleteVolumeCommand } = await import('@aws-sdk/client-ec2');
  await detachVolume(client, id, ctx);
  try {
    await send(client, new DeleteVolumeCommand({ VolumeId: id }), { what: `delete volume ${id}`, signal: ctx.signal, retryNotFound: true });
  } catch (err) {
    if (!isNotFound((err as { cause?: unknown }).cause)) throw err;
  }
}
