import { describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/sbom/index.js';
import { spdxJson } from '../../src/sbom/index.js';
import { validateSpdx } from './validate.js';

const subject = { buildName: 'web', builderType: 'chroot', runId: '20261207T031500Z-ab12', bakeVersion: '0.1.0', time: new Date('2026-12-07T03:15:00.123Z') };

const inventory: Inventory = {
  os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
  managers: ['dpkg'],
  problems: [],
  packages: [
    { manager: 'dpkg', name: 'openssl', version: '3.0.15-1~deb12u1', architecture: 'amd64', licenses: ['Apache-2.0'] },
    { manager: 'dpkg', name: 'libgcc-s1', version: '12.2.0-14', architecture: 'amd64', source: 'gcc-12', licenses: ['GPL-3+', 'Artistic'] },
    { manager: 'dpkg', name: 'login', version: '1:4.13+dfsg1-1', architecture: 'amd64', source: 'shadow' },
    { manager: 'dpkg', name: 'librust-foo-dev', version: '1.0-1', architecture: 'amd64', licenses: ['mit OR Apache-2.0', 'BSD-3-Clause'] },
  ],
};

describe('SPDX 2.3', () => {
  it('the image DESCRIBED, CONTAINING the distribution and each package with its purl; valid against SPDX 2.3\'s schema', async () => {
    const json = await spdxJson(inventory, subject);
    expect(validateSpdx(json)).toBeNull();
    const doc = JSON.parse(json);
    expect(doc).toMatchObject({
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      creationInfo: { created: '2026-12-07T03:15:00Z', creators: ['Tool: bake-0.1.0'], comment: 'bake:sbom:complete=true' },
    });
    expect(doc.documentNamespace).toMatch(/^https:\/\/bake\.dev\/spdx\/web\/20261207T031500Z-ab12-[0-9a-f-]{36}$/);
    const byName = Object.fromEntries(doc.packages.map((p: { name: string }) => [p.name, p]));
    expect(byName.web).toMatchObject({ SPDXID: 'SPDXRef-Image', versionInfo: subject.runId, primaryPackagePurpose: 'OPERATING_SYSTEM' });
    expect(byName.debian).toMatchObject({ versionInfo: '12', primaryPackagePurpose: 'OPERATING_SYSTEM' });
    expect(byName.openssl).toMatchObject({
      versionInfo: '3.0.15-1~deb12u1',
      licenseDeclared: 'Apache-2.0',
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12' }],
    });
    // Debian's own licence names are no SPDX ids: no assertion, the text kept as a comment.
    expect(byName['libgcc-s1']).toMatchObject({ licenseDeclared: 'NOASSERTION', licenseComments: 'as the package database gives it: GPL-3+; Artistic', sourceInfo: 'built from the dpkg source package gcc-12' });
    expect(byName.login.licenseDeclared).toBe('NOASSERTION');
    expect(byName.login.licenseComments).toBeUndefined();
    // SPDX expressions of known ids are kept (their ids' spelling fixed); several licences all apply.
    expect(byName['librust-foo-dev'].licenseDeclared).toBe('(MIT OR Apache-2.0) AND BSD-3-Clause');
    expect(doc.relationships).toEqual([
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' },
      ...doc.packages.slice(1).map((p: { SPDXID: string }) => ({ spdxElementId: 'SPDXRef-Image', relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID })),
    ]);
    expect(new Set(doc.packages.map((p: { SPDXID: string }) => p.SPDXID)).size).toBe(6);
  });

  it('an incomplete list says so in the creation comment; an image without packages is still a valid document', async () => {
    const damaged = await spdxJson({ ...inventory, problems: ['dpkg status: 1 damaged entry skipped'] }, subject);
    expect(validateSpdx(damaged)).toBeNull();
    expect(JSON.parse(damaged).creationInfo.comment).toBe('bake:sbom:complete=false\nbake:sbom:problem=dpkg status: 1 damaged entry skipped');
    const empty = await spdxJson({ packages: [], managers: [], problems: [], note: 'no package database found' }, { ...subject, buildName: 'my image' });
    expect(validateSpdx(empty)).toBeNull();
    expect(JSON.parse(empty).relationships).toHaveLength(1);
    // The schema check is a real one: a document without its version is refused.
    const { spdxVersion: _v, ...unversioned } = JSON.parse(empty);
    expect(validateSpdx(JSON.stringify(unversioned))).toEqual([expect.objectContaining({ params: { missingProperty: 'spdxVersion' } })]);
  });
});
