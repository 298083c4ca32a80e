import type { ChrootNamespace } from '../../communicator/index.js';
import type { Logger } from '../../core/events.js';
import { runTool } from '../../local-image/index.js';
import type { Partition } from './partitions.js';

/**
 * After the disk file grew: moves GPT's backup header to the new end and extends the root
 * partition to the end of the disk, when it is the last one. Returns whether it grew.
 */
export async function growPartition(diskFile: string, root: Partition, parts: Partition[], log: Logger, signal: AbortSignal): Promise<boolean> {
  if (root.number === 0) return true;
  if (parts.some((p) => p.offset > root.offset)) {
    log.warn(`disk_size: partition ${root.number} is not the last on the disk, so only the disk grew`);
    return false;
  }
  const label = await runTool('sfdisk', ['--dump', diskFile], { signal });
  if (/^label:\s*gpt/m.test(label)) await runTool('sfdisk', ['--relocate', 'gpt-bak-std', diskFile], { signal });
  await runTool('sh', ['-c', `echo ', +' | sfdisk -q --no-reread --no-tell-kernel -N ${root.number} "$1"`, 'sh', diskFile], { signal });
  return true;
}

/** Grows the mounted root filesystem to its (grown) partition, online, with the filesystem's own tool. */
export async function growFilesystem(ns: ChrootNamespace, root: string, fsType: string, log: Logger): Promise<void> {
  const device = (await ns.run(['findmnt', '-n', '-o', 'SOURCE', '--mountpoint', root])).trim();
  if (fsType.startsWith('ext')) await ns.run(['resize2fs', device]);
  else if (fsType === 'xfs') await ns.run(['xfs_growfs', root]);
  else if (fsType === 'btrfs') await ns.run(['btrfs', 'filesystem', 'resize', 'max', root]);
  else return log.warn(`disk_size: bake cannot grow a ${fsType} filesystem; the partition grew, the filesystem did not`);
  log.info(`Grew the ${fsType} root filesystem to its partition`);
}
