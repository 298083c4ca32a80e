import { describe, expect, it } from 'vitest';
import { parseApkInstalled } from '../../src/sbom/apk-installed.js';
import { inventoryScript, splitSections } from '../../src/sbom/collect-script.js';
import { parseDpkgStatus } from '../../src/sbom/dpkg-status.js';
import { parseOsRelease } from '../../src/sbom/os-release.js';
import { parseRpmQuery } from '../../src/sbom/rpm-query.js';

const DPKG = `Package: openssl
Status: install ok installed
Priority: optional
Architecture: amd64
Version: 3.0.15-1~deb12u1
Description: Secure Sockets Layer toolkit
 This package contains the openssl binary.
 .
 More text.

Package: libgcc-s1
Status: install ok installed
Architecture: amd64
Source: gcc-12 (12.2.0-14)
Version: 12.2.0-14

Package: vim-tiny
Status: deinstall ok config-files
Architecture: amd64
Version: 2:9.0.1378-2

Package: login
Status: install ok installed
Architecture: amd64
Source: shadow
Version: 1:4.13+dfsg1-1
`;

describe('package databases', () => {
  it('reads dpkg status: installed packages only, source package and its version, epochs kept', () => {
    const { packages, problems } = parseDpkgStatus(DPKG);
    expect(problems).toEqual([]);
    expect(packages).toEqual([
      { manager: 'dpkg', name: 'openssl', version: '3.0.15-1~deb12u1', architecture: 'amd64' },
      { manager: 'dpkg', name: 'libgcc-s1', version: '12.2.0-14', architecture: 'amd64', source: 'gcc-12' },
      { manager: 'dpkg', name: 'login', version: '1:4.13+dfsg1-1', architecture: 'amd64', source: 'shadow' },
    ]);
  });

  it('skips damaged dpkg stanzas and says how many', () => {
    const { packages, problems } = parseDpkgStatus(`${DPKG}\n\n\u0000\u0001garbage line without a colon\nmore\n\nPackage: half\nStatus: install ok installed\n`);
    expect(packages.map((p) => p.name)).toEqual(['openssl', 'libgcc-s1', 'login']);
    expect(problems).toEqual(['dpkg status: 2 damaged entries skipped']);
  });

  it('reads rpm -qa output: epoch into the version, source rpm name, gpg-pubkey left out', () => {
    const text = ['bash\t(none)\t5.1.8\t9.el9\tx86_64\tbash-5.1.8-9.el9.src.rpm\tGPLv3+', 'openssl\t1\t3.0.7\t27.el9\tx86_64\topenssl-3.0.7-27.el9.src.rpm\tASL 2.0', 'gpg-pubkey\t(none)\tfd431d51\t4ae0493b\t(none)\t(none)\tpubkey', 'broken line'].join('\n');
    const { packages, problems } = parseRpmQuery(text);
    expect(packages).toEqual([
      { manager: 'rpm', name: 'bash', version: '5.1.8-9.el9', architecture: 'x86_64', source: 'bash', licenses: ['GPLv3+'] },
      { manager: 'rpm', name: 'openssl', version: '1:3.0.7-27.el9', architecture: 'x86_64', source: 'openssl', licenses: ['ASL 2.0'] },
    ]);
    expect(problems).toEqual(['rpm query: 1 unreadable line skipped']);
  });

  it('reads apk\'s installed database', () => {
    const text = 'C:Q1abc=\nP:musl\nV:1.2.4-r2\nA:x86_64\nL:MIT\no:musl\nF:lib\nR:ld-musl-x86_64.so.1\n\nC:Q1def=\nP:busybox-binsh\nV:1.36.1-r15\nA:x86_64\nL:GPL-2.0-only\no:busybox\n';
    expect(parseApkInstalled(text).packages).toEqual([
      { manager: 'apk', name: 'musl', version: '1.2.4-r2', architecture: 'x86_64', source: 'musl', licenses: ['MIT'] },
      { manager: 'apk', name: 'busybox-binsh', version: '1.36.1-r15', architecture: 'x86_64', source: 'busybox', licenses: ['GPL-2.0-only'] },
    ]);
  });

  it('reads os-release with quoted values', () => {
    expect(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n# comment\n')).toEqual({
      id: 'debian',
      versionId: '12',
      versionCodename: 'bookworm',
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(parseOsRelease('NAME=nothing')).toBeUndefined();
  });

  it('splits the inventory script\'s output by its random boundary; a file cannot fake one', () => {
    const { boundary } = inventoryScript();
    const out = `\n${boundary} os-release\nID=debian\n\n${boundary} dpkg\n@@bake-sbom-000000000000@@ end\nPackage: a\n\n${boundary} exit 2\n\n${boundary} end\n`;
    const { sections, complete } = splitSections(out, boundary);
    expect(complete).toBe(true);
    expect(sections.map((s) => [s.name, s.exit])).toEqual([
      ['os-release', undefined],
      ['dpkg', 2],
    ]);
    expect(sections[1].text).toContain('@@bake-sbom-000000000000@@ end');
    expect(splitSections(`\n${boundary} dpkg\nPackage: a`, boundary).complete).toBe(false);
  });
});
