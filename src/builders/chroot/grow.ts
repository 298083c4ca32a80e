import { stat, truncate } from 'node:fs/promises';
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

/**
 * Grows the root filesystem to its (grown) partition: ext2/3/4 offline before it is mounted (its
 * online resize is refused on some kernels), xfs and btrfs online once mounted (they have no other way).
 */
export async function growFilesystem(ns: ChrootNamespace, diskFile: string, root: string, p: Partition, mounted: boolean, log: Logger, signal: AbortSignal): Promise<void> {
  if (p.fsType.startsWith('ext')) {
    if (mounted) return;
    const fs = `${diskFile}?offset=${p.offset}`;
    const diskBytes = (await stat(diskFile)).size;
    // resize2fs wants a freshly checked filesystem; the size is explicit as it cannot see where the
    // partition ends. On a regular file it then sets the file's size to the filesystem's, not
    // counting the offset: the disk gets its size back, and a second check proves nothing was lost.
    await runTool('e2fsck', ['-f', '-p', fs], { signal });
    await runTool('resize2fs', [fs, `${Math.floor(p.size / 1024)}K`], { signal });
    if ((await stat(diskFile)).size !== diskBytes) await truncate(diskFile, diskBytes);
    await runTool('e2fsck', ['-f', '-n', fs], { signal });
  } else if (!mounted) {
    return;
  } else if (p.fsType === 'xfs') {
    await ns.run(['xfs_growfs', root]);
  } else if (p.fsType === 'btrfs') {
    await ns.run(['btrfs', 'filesystem', 'resize', 'max', root]);
  } else {
    return log.warn(`disk_size: bake cannot grow a ${p.fsType} filesystem; the partition grew, the filesystem did not`);
  }
  log.info(`Grew the ${p.fsType} root filesystem to ${Math.floor(p.size / 1024 / 1024)} MiB`);
}
