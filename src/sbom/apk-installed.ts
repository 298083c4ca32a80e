import type { ParsedDatabase } from './dpkg-status.js';
import type { InstalledPackage } from './inventory.js';

/** Reads apk's /lib/apk/db/installed: blank-line separated records of one-letter fields (P name, V version, A arch, L licence, o origin). */
export function parseApkInstalled(text: string): ParsedDatabase {
  const packages: InstalledPackage[] = [];
  let bad = 0;
  for (const record of text.split(/\n\s*\n/)) {
    if (!record.trim()) continue;
    const fields = new Map<string, string>();
    let damaged = false;
    for (const line of record.split('\n')) {
      if (!line) continue;
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      if (!m) {
        damaged = true;
        break;
      }
      // Files (F:/R:) repeat; only the package's own fields matter here, and they come first.
      if (!fields.has(m[1])) fields.set(m[1], m[2]);
    }
    const name = fields.get('P');
    const version = fields.get('V');
    if (damaged || !name || !version) {
      bad++;
      continue;
    }
    const p: InstalledPackage = { manager: 'apk', name, version };
    const arch = fields.get('A');
    if (arch) p.architecture = arch;
    const origin = fields.get('o');
    if (origin) p.source = origin;
    const license = fields.get('L');
    if (license) p.licenses = [license];
    packages.push(p);
  }
  return { packages, problems: bad ? [`apk database: ${bad} damaged entr${bad === 1 ? 'y' : 'ies'} skipped`] : [] };
}
