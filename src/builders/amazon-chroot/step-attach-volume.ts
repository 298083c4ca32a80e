import { mkdtempSync, rmSync } from 'node:fs';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { awsCode, describeVolume, detachVolume, send, waitVolume } from '../../cloud/aws/index.js';
import { type Init, waitCtx } from '../amazon-ebs/index.js';
import { DeviceLocks } from './device-lock.js';
import { DEVICE_LETTERS, findDevice, letterInUse } from './find-device.js';
import type { ResolvedAmazonChroot } from './resolved.js';
import type { AttachState, HostState, VolumeState } from './state.js';

/** Device names the build host already has, as EC2 sees them ("/dev/sdf" and "/dev/xvdf" count as the same letter). */
async function usedLetters(cfg: ResolvedAmazonChroot, state: Init & HostState, signal: AbortSignal): Promise<Set<string>> {
  const { DescribeInstancesCommand } = await import('@aws-sdk/client-ec2');
  const out = await send<{ Reservations?: { Instances?: Instance[] }[] }>(await state.clients.get(), new DescribeInstancesCommand({ InstanceIds: [state.host.instanceId] }), {
    what: `amazon-chroot: describe the build host ${state.host.instanceId}`,
    signal,
    retryNotFound: true,
  });
  const instance = out.Reservations?.[0]?.Instances?.[0];
  if (!instance) throw new BakeError(`${cfg.where}: the build host ${state.host.instanceId} (from instance metadata) is not an instance of this account in ${cfg.region}`);
  return new Set((instance.BlockDeviceMappings ?? []).map((m) => /(?:sd|xvd)([a-z])\d*$/.exec(m.DeviceName ?? '')?.[1]).filter((x): x is string => !!x));
}

/** Whether EC2 shows the volume attached (or attaching) to the build host at `device`. */
async function attachedAt(client: EC2Client, state: HostState & VolumeState, device: string, signal: AbortSignal): Promise<boolean> {
  const v = await describeVolume(client, state.volumeId, signal).catch(() => null);
  return (v?.Attachments ?? []).some((a) => a.InstanceId === state.host.instanceId && a.Device === device && (a.State === 'attached' || a.State === 'attaching'));
}

/**
 * Attaches the volume to the build host at a free device letter (locked across parallel builds on
 * this host; a letter EC2 says is taken is skipped and the next one tried) and waits for its
 * device node. Its cleanup detaches the volume and waits until it is free again.
 */
export function attachVolumeStep(cfg: ResolvedAmazonChroot): Step<Init & HostState & VolumeState, AttachState> {
  const locks = new DeviceLocks();
  let letter: string | undefined;
  let attached = false;
  let workDir: string | undefined;
  return {
    name: 'attach-volume',
    async run(ctx, state) {
      const { AttachVolumeCommand } = await import('@aws-sdk/client-ec2');
      const client = await state.clients.get();
      const used = await usedLetters(cfg, state, ctx.signal);
      for (const l of DEVICE_LETTERS) {
        if (used.has(l) || letterInUse(l) || !locks.tryLock(`sd${l}`)) continue;
        try {
          await send(client, new AttachVolumeCommand({ VolumeId: state.volumeId, InstanceId: state.host.instanceId, Device: `/dev/sd${l}` }), {
            what: `amazon-chroot: attach volume ${state.volumeId} as /dev/sd${l}`,
            signal: ctx.signal,
            retryNotFound: true,
          });
          letter = l;
          attached = true;
          break;
        } catch (err) {
          // An attach whose answer was lost is answered "IncorrectState" when retried: it took effect.
          if (await attachedAt(client, state, `/dev/sd${l}`, ctx.signal)) {
            letter = l;
            attached = true;
            break;
          }
          locks.unlock(`sd${l}`);
          // Another process (not bake) took the letter between the look and the attach: try the next.
          if (awsCode((err as { cause?: unknown }).cause) !== 'InvalidParameterValue') throw err;
          ctx.log.debug(`/dev/sd${l} is taken: ${(err as Error).message}`);
        }
      }
      if (!letter) throw new BakeError(`amazon-chroot: no free device letter /dev/sd[f-p] on ${state.host.instanceId}`);
      const attachedAs = `/dev/sd${letter}`;
      ctx.log.say(`Attaching volume ${state.volumeId} to ${state.host.instanceId} as ${attachedAs}`);
      await waitVolume(client, state.volumeId, 'attached', (v) => (v.Attachments ?? []).some((a) => a.InstanceId === state.host.instanceId && a.State === 'attached'), waitCtx(ctx, cfg, 'instance'));
      const diskFile = await findDevice({ given: cfg.devicePath ?? cfg.nvmeDevicePath, attachedAs, volumeId: state.volumeId, signal: ctx.signal });
      ctx.log.info(`The volume is ${diskFile} on this host`);
      workDir = mkdtempSync(join(tmpdir(), 'bake-amazon-chroot-'));
      // Journaled like the chroot builder's work directory, so `bake cleanup` removes it after a kill -9.
      ctx.journal.created({ type: 'local:path', id: workDir });
      return { diskFile, workDir };
    },
    async cleanup(ctx, { clients, volumeId }) {
      if (workDir) {
        rmSync(workDir, { recursive: true, force: true });
        ctx.journal.removed({ type: 'local:path', id: workDir });
      }
      workDir = undefined;
      try {
        if (attached) {
          ctx.log.say(`Detaching volume ${volumeId}`);
          await detachVolume(await clients.get(), volumeId, waitCtx(ctx, cfg, 'instance', ctx.cleanupSignal()));
          attached = false;
        }
      } finally {
        if (letter) locks.unlock(`sd${letter}`);
      }
    },
  };
}

/** Detaches the unmounted volume before the snapshot, as Packer does, so the snapshot is of a quiet disk. */
export function detachVolumeStep(cfg: ResolvedAmazonChroot): Step<Init & VolumeState, object> {
  return {
    name: 'detach-volume',
    async run(ctx, { clients, volumeId }) {
      ctx.log.say(`Detaching volume ${volumeId}`);
      await detachVolume(await clients.get(), volumeId, waitCtx(ctx, cfg, 'instance'));
      return {};
    },
  };
}
