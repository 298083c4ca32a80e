import { randomUUID } from 'node:crypto';
import { purl, type SbomSubject } from './cyclonedx.js';
import type { Inventory } from './inventory.js';

const NOASSERTION = 'NOASSERTION';

/** "SPDXRef-" ids allow letters, digits, "." and "-" only. */
function ref(kind: string, n: number, name: string): string {
  return `SPDXRef-${kind}-${n}-${name.replace(/[^A-Za-z0-9.-]/g, '-')}`;
}

/**
 * A licence as an SPDX expression when every licence in it is an SPDX id ("MIT", apk's
 * "MPL-2.0 AND MIT"), with the ids' spelling fixed; undefined otherwise.
 */
function licenseExpression(text: string, fixId: (id: string) => string | undefined): string | undefined {
  const out: string[] = [];
  for (const token of text.trim().split(/(\(|\)|\s+AND\s+|\s+OR\s+)/)) {
    const t = token.trim();
    if (t === '(' || t === ')') out.push(t);
    else if (t === 'AND' || t === 'OR') out.push(` ${t} `);
    else if (t !== '') {
      const id = fixId(t);
      if (!id) return undefined;
      out.push(id);
    }
  }
  return out.length ? out.join('') : undefined;
}

/**
 * The same inventory as an SPDX 2.3 JSON document, for tools that take SPDX rather than CycloneDX.
 * The CycloneDX library writes no SPDX, so the document is built here from the same package list and
 * purls: the image is the package the document DESCRIBES, and it CONTAINS the distribution and every
 * package. Licences the package database gives as SPDX ids become licenseDeclared; anything else
 * (Debian's "GPL-2+") stays NOASSERTION with the text in licenseComments, since a free-text licence
 * would need a LicenseRef with its full text, which the database does not have.
 */
export async function spdxJson(inventory: Inventory, subject: SbomSubject): Promise<string> {
  // The CycloneDX library's list of SPDX licence ids (loaded on first use, as for the CycloneDX document).
  const { SPDX } = await import('@cyclonedx/cyclonedx-library');
  const image = 'SPDXRef-Image';
  const packages: Record<string, unknown>[] = [
    {
      SPDXID: image,
      name: subject.buildName,
      versionInfo: subject.runId,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
      comment: `machine image built by bake's ${subject.builderType} builder in run ${subject.runId}`,
    },
  ];
  const os = inventory.os;
  if (os) {
    packages.push({
      SPDXID: ref('OperatingSystem', 0, os.id),
      name: os.id,
      ...(os.versionId ? { versionInfo: os.versionId } : {}),
      ...(os.prettyName ? { description: os.prettyName } : {}),
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      primaryPackagePurpose: 'OPERATING_SYSTEM',
    });
  }
  inventory.packages.forEach((p, i) => {
    const ids = (p.licenses ?? []).map((l) => licenseExpression(l, SPDX.fixupSpdxId));
    const declared = ids.length > 0 && ids.every((id) => id !== undefined) ? [...new Set(ids)].map((e) => (ids.length > 1 && / OR /.test(e) ? `(${e})` : e)).join(' AND ') : NOASSERTION;
    packages.push({
      SPDXID: ref('Package', i + 1, p.name),
      name: p.name,
      versionInfo: p.version,
      downloadLocation: NOASSERTION,
      filesAnalyzed: false,
      ...(p.source ? { sourceInfo: `built from the ${p.manager} source package ${p.source}${p.sourceVersion ? ` ${p.sourceVersion}` : ''}` } : {}),
      licenseConcluded: NOASSERTION,
      licenseDeclared: declared,
      ...(declared === NOASSERTION && p.licenses?.length ? { licenseComments: `as the package database gives it: ${p.licenses.join('; ')}` } : {}),
      copyrightText: NOASSERTION,
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl(p, os) }],
    });
  });
  const remarks = [
    `bake:sbom:complete=${inventory.problems.length === 0}`,
    ...inventory.problems.map((p) => `bake:sbom:problem=${p}`),
    ...(inventory.note ? [`bake:sbom:note=${inventory.note}`] : []),
  ];
  const doc = {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: `${subject.buildName} (bake run ${subject.runId})`,
    documentNamespace: `https://bake.dev/spdx/${encodeURIComponent(subject.buildName)}/${subject.runId}-${randomUUID()}`,
    creationInfo: { created: subject.time.toISOString().replace(/\.\d{3}Z$/, 'Z'), creators: [`Tool: bake-${subject.bakeVersion}`], comment: remarks.join('\n') },
    packages,
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image },
      ...packages.slice(1).map((p) => ({ spdxElementId: image, relationshipType: 'CONTAINS', relatedSpdxElement: p.SPDXID as string })),
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
