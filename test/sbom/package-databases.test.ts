import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectInventory } from '../../src/sbom/collect.js';
import { cycloneDxJson } from '../../src/sbom/cyclonedx.js';
import { spdxJson } from '../../src/sbom/spdx.js';
import type { Inventory } from '../../src/sbom/inventory.js';
import { busyboxRoot, canApk, canRpm, rpmHost } from './stand-ins.js';
import { validateCycloneDx, validateSpdx } from './validate.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const signal = new AbortController().signal;
const subject = { buildName: 'img', builderType: 'chroot', runId: '20261207T000000Z-abcd', bakeVersion: '0.1.0', time: new Date('2026-12-07T00:00:00Z') };

const APK_DB = `C:Q1Z1Yk9u=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:667648
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Natanael Copa <ncopa@alpinelinux.org>
t:1711035633
c:cb0d4d5d2f7e9f2a0c7dc2f4d8b3cdb6f6b3b111
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1KSJZoVAcGm0uiWtMa8axLBU7R6w=
R:libc.musl-x86_64.so.1

C:Q1abcdef=
P:busybox-binsh
V:1.36.1-r29
A:x86_64
L:GPL-2.0-only
o:busybox
F:bin
R:sh

C:Q1zzz=
P:ca-certificates-bundle
V:20240705-r0
A:x86_64
L:MPL-2.0 AND MIT
o:ca-certificates
`;
const ALPINE = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"\n';

describe.skipIf(!canApk)('an apk database, read in a chroot', () => {
  it('lists every package with version, architecture, origin and licence; the SBOM is valid CycloneDX 1.6', async () => {
    const { root, comm } = busyboxRoot({ 'lib/apk/db/installed': APK_DB, 'etc/os-release': ALPINE });
    dirs.push(root);
    const inv = await collectInventory(comm, { signal });
    expect(inv.problems).toEqual([]);
    expect(inv.managers).toEqual(['apk']);
    expect(inv.os).toMatchObject({ id: 'alpine', versionId: '3.20.3' });
    expect(inv.packages).toEqual([
      { manager: 'apk', name: 'musl', version: '1.2.4_git20230717-r4', architecture: 'x86_64', source: 'musl', licenses: ['MIT'] },
      { manager: 'apk', name: 'busybox-binsh', version: '1.36.1-r29', architecture: 'x86_64', source: 'busybox', licenses: ['GPL-2.0-only'] },
      { manager: 'apk', name: 'ca-certificates-bundle', version: '20240705-r0', architecture: 'x86_64', source: 'ca-certificates', licenses: ['MPL-2.0 AND MIT'] },
    ]);
    const json = await cycloneDxJson(inv, subject);
    expect(await validateCycloneDx(json)).toBeNull();
    const doc = JSON.parse(json);
    expect(doc.components.find((c: { name: string }) => c.name === 'busybox-binsh').purl).toBe('pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox');
    expect(doc.components.find((c: { name: string }) => c.name === 'musl').licenses).toEqual([{ license: { id: 'MIT' } }]);
    const spdx = await spdxJson(inv, subject);
    expect(validateSpdx(spdx)).toBeNull();
    expect(JSON.parse(spdx).packages.find((p: { name: string }) => p.name === 'ca-certificates-bundle').licenseDeclared).toBe('MPL-2.0 AND MIT');
  });

  it('a damaged database: what can be read, and the SBOM says it is incomplete', async () => {
    const { root, comm } = busyboxRoot({ 'lib/apk/db/installed': `${APK_DB}\n\n\u0000\u0007\u00ff not a field\n`, 'etc/os-release': ALPINE });
    dirs.push(root);
    const inv = await collectInventory(comm, { signal });
    expect(inv.packages).toHaveLength(3);
    expect(inv.problems).toEqual(['apk database: 1 damaged entry skipped']);
    const doc = JSON.parse(await cycloneDxJson(inv, subject));
    expect(doc.metadata.properties).toContainEqual({ name: 'bake:sbom:complete', value: 'false' });
    expect(doc.metadata.properties).toContainEqual({ name: 'bake:sbom:problem', value: 'apk database: 1 damaged entry skipped' });
  });

  it('an image without a package database: the OS release and a note, no error', async () => {
    const { root, comm } = busyboxRoot({ 'usr/lib/os-release': 'ID=tinyos\nVERSION_ID=1\n' });
    dirs.push(root);
    const inv: Inventory = await collectInventory(comm, { signal });
    expect(inv).toEqual({ os: { id: 'tinyos', versionId: '1' }, packages: [], managers: [], problems: [], note: 'no package database found (dpkg, rpm, apk): the image\'s software is not listed' });
    const json = await cycloneDxJson(inv, subject);
    expect(await validateCycloneDx(json)).toBeNull();
    expect(JSON.parse(json).metadata.properties).toContainEqual({ name: 'bake:sbom:note', value: inv.note });
  });

  it('a database that never ends (a FIFO in the image) is given up at the time limit and marked incomplete, never waited on', async () => {
    const { root, comm } = busyboxRoot({ 'etc/os-release': ALPINE });
    dirs.push(root);
    mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
    execFileSync('mkfifo', [join(root, 'var/lib/dpkg/status')]);
    const inv = await collectInventory(comm, { signal, timeoutMs: 1000 });
    expect(inv.problems).toEqual(['listing the packages took longer than 1 s and was stopped']);
    expect(inv.os).toMatchObject({ id: 'alpine' });
  });

  it('an answer longer than the limit is cut off and marked incomplete, never read to the end', async () => {
    const { root, comm } = busyboxRoot({ 'lib/apk/db/installed': APK_DB.repeat(200), 'etc/os-release': ALPINE });
    dirs.push(root);
    const inv = await collectInventory(comm, { signal, maxBytes: 4096 });
    expect(inv.problems).toEqual(['the package listing was longer than 4096 bytes and was cut off']);
  });
});

const spec = (name: string, version: string, release: string, epoch: string | undefined, license: string) =>
  `Name: ${name}\nVersion: ${version}\nRelease: ${release}\n${epoch ? `Epoch: ${epoch}\n` : ''}Summary: t\nLicense: ${license}\nBuildArch: noarch\n%description\nt\n%files\n`;

describe.skipIf(!canRpm)('a real rpm database, read with rpm -qa', () => {
  it('lists the packages rpm installed into it, epoch and release in the version', async () => {
    const { dir, comm } = rpmHost([spec('hello-bake', '1.2', '3.el9', '1', 'MIT'), spec('tools-bake', '0.9', '1.el9', undefined, 'GPL-2.0-or-later')]);
    dirs.push(dir);
    const inv = await collectInventory(comm, { signal });
    expect(inv.problems).toEqual([]);
    expect(inv.managers).toContain('rpm');
    expect(inv.managers).not.toContain('dpkg');
    expect(inv.packages.filter((p) => p.manager === 'rpm').sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { manager: 'rpm', name: 'hello-bake', version: '1:1.2-3.el9', architecture: 'noarch', source: 'hello-bake', licenses: ['MIT'] },
      { manager: 'rpm', name: 'tools-bake', version: '0.9-1.el9', architecture: 'noarch', source: 'tools-bake', licenses: ['GPL-2.0-or-later'] },
    ]);
    const json = await cycloneDxJson(inv, subject);
    expect(await validateCycloneDx(json)).toBeNull();
    expect(json).toContain('pkg:rpm/debian/hello-bake@1.2-3.el9?arch=noarch&distro=debian-12&epoch=1');
    const spdx = await spdxJson(inv, subject);
    expect(validateSpdx(spdx)).toBeNull();
    expect(spdx).toContain('pkg:rpm/debian/hello-bake@1.2-3.el9?arch=noarch&distro=debian-12&epoch=1');
  });

  it('a database rpm cannot open: a warning-worthy problem with rpm\'s own words, not a failure', async () => {
    const { dir, comm } = rpmHost([spec('hello-bake', '1.2', '3', undefined, 'MIT')]);
    dirs.push(dir);
    // Damage the database file itself (the test's copy): rpm fails to open it.
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/db/rpmdb.sqlite`, 'this is not an sqlite database'.repeat(100));
    const inv = await collectInventory(comm, { signal });
    expect(inv.problems.length).toBeGreaterThan(0);
    expect(inv.problems[0]).toMatch(/^rpm: reading the package database failed \(exit \d+\)/);
  });
});
