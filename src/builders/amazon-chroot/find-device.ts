import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { BakeError } from '../../core/errors.js';
import { waitUntil } from '../../core/wait.js';

/** The letters Packer attaches on (sdf … sdp): below f are the host's own devices by convention. */
export const DEVICE_LETTERS = 'fghijklmnop'.split('');

/** Whether the host shows a device of this letter under any of the names EC2's devices get. */
export function letterInUse(letter: string, dev = '/dev'): boolean {
  return existsSync(`${dev}/sd${letter}`) || existsSync(`${dev}/xvd${letter}`);
}

/** The NVMe namespace whose controller serial is the volume id without its dash, as Nitro instances show EBS volumes. */
export function nvmeDeviceOf(volumeId: string, sysBlock = '/sys/block'): string | undefined {
  const serial = volumeId.replace('-', '');
  let names: string[] = [];
  try {
    names = readdirSync(sysBlock).filter((n) => /^nvme\d+n\d+$/.test(n));
  } catch {
    return undefined;
  }
  for (const n of names) {
    try {
      if (readFileSync(`${sysBlock}/${n}/device/serial`, 'utf8').trim() === serial) return `/dev/${n}`;
    } catch {
      // A namespace without a readable serial is not ours.
    }
  }
  return undefined;
}

export interface DeviceLookup {
  /** device_path / nvme_device_path: where the user says the volume appears. */
  given?: string;
  /** The name the volume was attached as, e.g. "/dev/sdf". */
  attachedAs: string;
  volumeId: string;
  signal: AbortSignal;
  maxWaitMs?: number;
}

/**
 * Waits for the attached volume's device node and returns its real path: the given path, else
 * /dev/sdX, /dev/xvdX or the NVMe namespace with the volume's serial. Only a block device is
 * accepted: bake runs mount, sfdisk and e2fsck on it as root.
 */
export async function findDevice(l: DeviceLookup): Promise<string> {
  const letter = l.attachedAs.slice(-1);
  const candidates = () => (l.given ? [l.given] : [l.attachedAs, `/dev/xvd${letter}`, nvmeDeviceOf(l.volumeId)].filter((x): x is string => !!x));
  const found = await waitUntil(async () => candidates().find((p) => existsSync(p)), {
    what: `volume ${l.volumeId} to appear as ${l.given ?? `${l.attachedAs}, /dev/xvd${letter} or an NVMe device`}`,
    signal: l.signal,
    minDelayMs: 200,
    maxDelayMs: 2000,
    maxWaitMs: l.maxWaitMs ?? 5 * 60_000,
  });
  const real = realpathSync(found);
  if (!statSync(real).isBlockDevice()) throw new BakeError(`amazon-chroot: ${found}${real === found ? '' : ` (${real})`} is not a block device; the volume must appear as one`);
  return real;
}
