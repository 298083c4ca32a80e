import type { InstalledPackage } from './inventory.js';

export interface ParsedDatabase {
  packages: InstalledPackage[];
  /** Stanzas or lines that could not be read, described for a warning. */
  problems: string[];
}

/**
 * Reads /var/lib/dpkg/status (deb822 stanzas). Only packages whose Status says "installed" count:
 * a removed package keeps a stanza ("deinstall ok config-files") while its conffiles remain.
 */
export function parseDpkgStatus(text: string): ParsedDatabase {
  const packages: InstalledPackage[] = [];
  const problems: string[] = [];
  let bad = 0;
  for (const stanza of text.split(/\n[ \t]*\n/)) {
    if (!stanza.trim()) continue;
    const fields = deb822(stanza);
    if (!fields) {
      bad++;
      continue;
    }
    const status = fields.get('status')?.split(/\s+/) ?? [];
    const name = fields.get('package');
    const version = fields.get('version');
    if (!name || !status.length) {
      bad++;
      continue;
    }
    if (status[2] !== 'installed') continue;
    if (!version) {
      bad++;
      continue;
    }
    const p: InstalledPackage = { manager: 'dpkg', name, version };
    const arch = fields.get('architecture');
    if (arch) p.architecture = arch;
    // "Source: openssl" or, when the binary's version differs from the source's, "Source: gcc-12 (12.2.0-14)".
    const src = /^(\S+)(?:\s+\((\S+)\))?$/.exec(fields.get('source') ?? '');
    if (src) {
      p.source = src[1];
      if (src[2] && src[2] !== version) p.sourceVersion = src[2];
    }
    packages.push(p);
  }
  if (bad > 0) problems.push(`dpkg status: ${bad} damaged entr${bad === 1 ? 'y' : 'ies'} skipped`);
  return { packages, problems };
}

/** Fields of one stanza, lower-cased names; undefined when a line is neither a field nor a continuation. */
function deb822(stanza: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  let last: string | undefined;
  for (const line of stanza.split('\n')) {
    if (line === '') continue;
    if (line[0] === ' ' || line[0] === '\t') {
      if (!last) return undefined;
      continue;
    }
    const m = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/.exec(line);
    if (!m) return undefined;
    last = m[1].toLowerCase();
    fields.set(last, m[2].trim());
  }
  return fields;
}
