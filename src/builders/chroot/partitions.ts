import { runTool } from '../../local-image/index.js';

/** One filesystem of the disk, found without a loop device: its byte range in the raw file and what blkid sees there. */
export interface Partition {
  /** 1-based partition number; 0 for a disk without a partition table. */
  number: number;
  offset: number;
  size: number;
  /** blkid's TYPE (ext4, xfs, vfat, swap …), or "" when it finds none. */
  fsType: string;
  uuid?: string;
  label?: string;
  partUuid?: string;
  partLabel?: string;
}

interface SfdiskTable {
  partitiontable: {
    label: 'dos' | 'gpt' | string;
    id?: string;
    sectorsize?: number;
    partitions?: { node: string; start: number; size: number; type: string; uuid?: string; name?: string }[];
  };
}

/** blkid's low-level probe of a byte range of a file (no loop device needed). */
async function probe(file: string, offset: number, size: number, signal?: AbortSignal): Promise<Record<string, string>> {
  try {
    const out = await runTool('blkid', ['-p', '-O', String(offset), '-S', String(size), '-o', 'export', file], { signal });
    return Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  } catch {
    // blkid exits 2 when it recognises nothing there.
    return {};
  }
}

/** The partitions of a raw disk file, read from its partition table (on this kernel `losetup -P` makes no partition nodes). */
export async function readPartitions(file: string, diskSize: number, signal?: AbortSignal): Promise<Partition[]> {
  let table: SfdiskTable | undefined;
  try {
    table = JSON.parse(await runTool('sfdisk', ['-J', file], { signal })) as SfdiskTable;
  } catch {
    table = undefined;
  }
  const entries = table?.partitiontable.partitions ?? [];
  if (entries.length === 0) {
    const found = await probe(file, 0, diskSize, signal);
    return [{ number: 0, offset: 0, size: diskSize, fsType: found.TYPE ?? '', uuid: found.UUID, label: found.LABEL }];
  }
  const sector = table!.partitiontable.sectorsize ?? 512;
  const diskId = (table!.partitiontable.id ?? '').replace(/^0x/, '').toLowerCase();
  const parts: Partition[] = [];
  for (const e of entries) {
    const number = Number(/(\d+)$/.exec(e.node)?.[1] ?? parts.length + 1);
    const offset = e.start * sector;
    const size = e.size * sector;
    const found = await probe(file, offset, size, signal);
    // A DOS label has no partition UUIDs; the kernel makes them from the disk id, as fstab then uses.
    const partUuid = e.uuid?.toLowerCase() ?? (table!.partitiontable.label === 'dos' && diskId ? `${diskId}-${String(number).padStart(2, '0')}` : undefined);
    parts.push({ number, offset, size, fsType: found.TYPE ?? '', uuid: found.UUID, label: found.LABEL, partUuid, partLabel: e.name });
  }
  return parts;
}

/** Filesystems bake mounts read-write for a build. */
export const WRITABLE_FILESYSTEMS = ['ext2', 'ext3', 'ext4', 'xfs', 'btrfs'];

/**
 * Filesystems bake mounts where the image's fstab asks: the root's, and the EFI system partition's.
 * Chosen by what blkid finds on the partition, never by the type the fstab names, so that a crafted
 * image cannot make the host's kernel parse a partition with a rarely used filesystem driver.
 */
export const FSTAB_FILESYSTEMS = [...WRITABLE_FILESYSTEMS, 'vfat'];

/** The partition an fstab source names (UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/disk/by-*, /dev/sda2 …), if it is on this disk. */
export function partitionFor(spec: string, parts: Partition[]): Partition | undefined {
  const [key, value] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1).replace(/^"|"$/g, '')] : ['', spec];
  const byKey: Record<string, (p: Partition) => string | undefined> = { UUID: (p) => p.uuid, LABEL: (p) => p.label, PARTUUID: (p) => p.partUuid, PARTLABEL: (p) => p.partLabel };
  if (byKey[key]) return parts.find((p) => byKey[key]!(p)?.toLowerCase() === value.toLowerCase());
  const byPath = /^\/dev\/disk\/by-(uuid|label|partuuid|partlabel)\/(.+)$/.exec(value);
  if (byPath) return partitionFor(`${byPath[1]!.toUpperCase()}=${byPath[2]}`, parts);
  const node = /^\/dev\/(?:[sv]d[a-z]|xvd[a-z]|nvme\d+n\d+p|mmcblk\d+p)(\d+)$/.exec(value);
  return node ? parts.find((p) => p.number === Number(node[1])) : undefined;
}
