/** Packer's disk_size: "10G", "10240M", "10240" (MiB). */
export function parseDiskSize(value: string): number | undefined {
  const m = /^(\d+)\s*([KMGT]?)i?B?$/i.exec(value.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toUpperCase();
  const mib = { '': n, K: n / 1024, M: n, G: n * 1024, T: n * 1024 * 1024 }[unit];
  return mib !== undefined && Number.isInteger(mib) && mib > 0 ? mib : undefined;
}
