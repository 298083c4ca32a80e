import type { ParsedDatabase } from './dpkg-status.js';
import type { InstalledPackage } from './inventory.js';

/** One line per package, tab-separated; the fields parseRpmQuery reads. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\t%{SOURCERPM}\\t%{LICENSE}\\n';

/** Reads `rpm -qa --queryformat RPM_QUERY_FORMAT`: epoch shown as "(none)" when unset, as rpm prints it. */
export function parseRpmQuery(text: string): ParsedDatabase {
  const packages: InstalledPackage[] = [];
  let bad = 0;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = line.split('\t');
    if (f.length !== 7 || !f[0] || !f[2]) {
      bad++;
      continue;
    }
    const [name, epoch, version, release, arch, sourceRpm, license] = f;
    // The keys rpm imports into its database show up as packages of no architecture.
    if (name === 'gpg-pubkey') continue;
    const full = `${none(epoch) ? '' : `${epoch}:`}${version}${none(release) ? '' : `-${release}`}`;
    const p: InstalledPackage = { manager: 'rpm', name, version: full };
    if (!none(arch)) p.architecture = arch;
    const source = sourceName(sourceRpm);
    if (source) p.source = source;
    if (!none(license) && license) p.licenses = [license];
    packages.push(p);
  }
  return { packages, problems: bad ? [`rpm query: ${bad} unreadable line${bad === 1 ? '' : 's'} skipped`] : [] };
}

function none(v: string): boolean {
  return v === '(none)' || v === '';
}

/** "openssl-3.0.7-27.el9.src.rpm" → "openssl": the name is what precedes version and release. */
function sourceName(sourceRpm: string): string | undefined {
  const m = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourceRpm);
  return m?.[1];
}
