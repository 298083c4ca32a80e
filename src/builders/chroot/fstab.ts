/** One line of /etc/fstab that names a filesystem bake may have to mount. */
export interface FstabEntry {
  spec: string;
  target: string;
  type: string;
  options: string[];
}

/** Types that are not on the disk (or are the chroot's own API filesystems), and so are never mounted from fstab. */
const VIRTUAL = ['swap', 'proc', 'sysfs', 'tmpfs', 'devpts', 'devtmpfs', 'none', 'nfs', 'nfs4', 'cifs', 'cgroup', 'cgroup2', 'efivarfs'];

/** The fstab entries below "/" that live on a disk, shallowest first so that parents mount before children. */
export function parseFstab(text: string): FstabEntry[] {
  const entries: FstabEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [spec, target, type, opts] = line.split(/\s+/);
    if (!spec || !target || !type || !target.startsWith('/') || target === '/') continue;
    const options = (opts ?? 'defaults').split(',');
    if (VIRTUAL.includes(type) || options.includes('noauto') || options.includes('bind')) continue;
    entries.push({ spec, target: target.replace(/\\040/g, ' '), type, options });
  }
  return entries.sort((a, b) => a.target.split('/').length - b.target.split('/').length);
}
