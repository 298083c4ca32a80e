import { randomBytes } from 'node:crypto';
import { RPM_QUERY_FORMAT } from './rpm-query.js';

/** Licence lines read per copyright file: the first ones name the package's main licence. */
const LICENSE_LINES_PER_FILE = 3;

/**
 * One POSIX sh script (dash, bash or busybox) that prints every package database the image has,
 * each after a boundary line, so the whole inventory costs one command: one round trip over SSH,
 * one nsenter in a chroot. The boundary is random so no file of the image can fake a section.
 */
export function inventoryScript(boundary = `@@bake-sbom-${randomBytes(6).toString('hex')}@@`): { script: string; boundary: string } {
  const script = [
    `B='${boundary}'`,
    `s() { printf '\\n%s %s\\n' "$B" "$1"; }`,
    's os-release; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null',
    'if [ -e /var/lib/dpkg/status ]; then',
    '  s dpkg; cat /var/lib/dpkg/status; s "exit $?"',
    // Debian's machine-readable copyright files carry "License:" lines; one grep reads them all.
    `  s dpkg-licenses; grep -m ${LICENSE_LINES_PER_FILE} -H '^License:' /usr/share/doc/*/copyright 2>/dev/null`,
    'fi',
    'if [ -e /lib/apk/db/installed ]; then s apk; cat /lib/apk/db/installed; s "exit $?"; fi',
    'if [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; then',
    `  if command -v rpm >/dev/null 2>&1; then s rpm; rpm -qa --queryformat '${RPM_QUERY_FORMAT}'; s "exit $?"; else s rpm-missing; fi`,
    'fi',
    's end',
  ].join('\n');
  return { script, boundary };
}

export interface ScriptSection {
  name: string;
  text: string;
  /** The exit status printed after the section's command, when it printed one. */
  exit?: number;
}

/** Splits the script's output into its sections; `complete` is false when "end" never came (cut short). */
export function splitSections(output: string, boundary: string): { sections: ScriptSection[]; complete: boolean } {
  const sections: ScriptSection[] = [];
  const marker = `\n${boundary} `;
  const parts = `\n${output}`.split(marker);
  let complete = false;
  for (const part of parts.slice(1)) {
    const nl = part.indexOf('\n');
    const name = nl < 0 ? part : part.slice(0, nl);
    const text = nl < 0 ? '' : part.slice(nl + 1);
    const exit = /^exit (\d+)$/.exec(name);
    if (exit) {
      if (sections.length) sections[sections.length - 1].exit = Number(exit[1]);
      continue;
    }
    if (name === 'end') {
      complete = true;
      break;
    }
    sections.push({ name, text });
  }
  return { sections, complete };
}
