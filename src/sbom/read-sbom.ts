import { readFileSync } from 'node:fs';
import type { PackageURL } from 'packageurl-js';
import { BakeError, errorText } from '../core/errors.js';
import { packageUrl, PROP } from './cyclonedx.js';

/** A package as an SBOM lists it: what `bake diff` compares. */
export interface SbomPackage {
  name: string;
  version: string;
  architecture?: string;
  /** "deb", "rpm", "apk"... from the purl; undefined when the component has none. */
  type?: string;
}

export interface SbomContents {
  packages: SbomPackage[];
  /** False when bake marked the SBOM incomplete (a package database it could not read). */
  complete: boolean;
}

interface CdxComponent {
  type?: string;
  name?: string;
  version?: string;
  purl?: string;
  properties?: { name?: string; value?: string }[];
}

/**
 * Reads a CycloneDX JSON SBOM (bake's, or another tool's such as syft's): the library and
 * application components with a version. Architecture comes from the purl's `arch` qualifier.
 */
export function readSbom(file: string): SbomContents {
  let doc: { bomFormat?: string; components?: CdxComponent[]; metadata?: { properties?: CdxComponent['properties'] } };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new BakeError(`${file}: cannot read the SBOM: ${errorText(err)}`);
  }
  if (doc?.bomFormat !== 'CycloneDX' || !Array.isArray(doc.components ?? [])) throw new BakeError(`${file}: not a CycloneDX JSON SBOM (bomFormat is not "CycloneDX")`);
  const packages: SbomPackage[] = [];
  for (const c of doc.components ?? []) {
    if (!c || typeof c.name !== 'string' || typeof c.version !== 'string' || c.type === 'operating-system') continue;
    const p: SbomPackage = { name: c.name, version: c.version };
    const purl = parsePurl(c.purl);
    if (purl?.type) p.type = purl.type;
    const arch = purl?.qualifiers?.arch ?? c.properties?.find((x) => x.name === PROP.architecture)?.value;
    if (arch) p.architecture = arch;
    packages.push(p);
  }
  const complete = doc.metadata?.properties?.find((x) => x.name === PROP.complete)?.value !== 'false';
  return { packages, complete };
}

function parsePurl(text: string | undefined): PackageURL | undefined {
  if (!text) return undefined;
  try {
    return packageUrl().PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}
