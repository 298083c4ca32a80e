import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { InstalledPackage, Inventory, OsRelease } from './inventory.js';

/** Property names bake writes into its SBOMs (CycloneDX asks for namespaced names). */
export const PROP = {
  manager: 'bake:package:manager',
  architecture: 'bake:package:architecture',
  source: 'bake:package:source',
  sourceVersion: 'bake:package:source-version',
  complete: 'bake:sbom:complete',
  problem: 'bake:sbom:problem',
  note: 'bake:sbom:note',
  build: 'bake:build',
  builderType: 'bake:builder-type',
  runId: 'bake:run-id',
} as const;

export interface SbomSubject {
  buildName: string;
  builderType: string;
  runId: string;
  bakeVersion: string;
  time: Date;
}

/**
 * The inventory as a CycloneDX 1.6 JSON document, written by the OWASP library (loaded on first
 * use: most commands never need it). The image is the BOM's subject (an operating-system
 * component named after the build); its distribution and packages are the components, each with
 * a purl of the form scanners such as grype and trivy match against their vulnerability feeds.
 */
export async function cycloneDxJson(inventory: Inventory, subject: SbomSubject): Promise<string> {
  const CDX = await import('@cyclonedx/cyclonedx-library');
  const { Models, Enums, Spec, Serialize, SPDX } = CDX;
  const property = (name: string, value: string) => new Models.Property(name, value);
  const bom = new Models.Bom({ serialNumber: `urn:uuid:${randomUUID()}` });
  bom.metadata.timestamp = subject.time;
  bom.metadata.lifecycles.add(Enums.LifecyclePhase.PostBuild);
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'bake', { version: subject.bakeVersion }));
  bom.metadata.component = new Models.Component(Enums.ComponentType.OperatingSystem, subject.buildName, {
    bomRef: 'bake:image',
    version: subject.runId,
    description: `machine image built by bake's ${subject.builderType} builder`,
    properties: new Models.PropertyRepository([property(PROP.build, subject.buildName), property(PROP.builderType, subject.builderType), property(PROP.runId, subject.runId)]),
  });
  const meta = bom.metadata.properties;
  meta.add(property(PROP.complete, inventory.problems.length === 0 ? 'true' : 'false'));
  for (const p of inventory.problems) meta.add(property(PROP.problem, p));
  if (inventory.note) meta.add(property(PROP.note, inventory.note));

  const os = inventory.os;
  if (os) {
    const c = new Models.Component(Enums.ComponentType.OperatingSystem, os.id, {
      bomRef: `os:${os.id}`,
      ...(os.versionId ? { version: os.versionId } : {}),
      ...(os.prettyName ? { description: os.prettyName } : {}),
    });
    bom.components.add(c);
    bom.metadata.component.dependencies.add(c.bomRef);
  }
  const refs = new Set<string>();
  for (const p of inventory.packages) {
    let ref = purl(p, os);
    // Two entries for one package (a damaged database) must not give two components one bom-ref.
    for (let n = 2; refs.has(ref); n++) ref = `${purl(p, os)}#${n}`;
    refs.add(ref);
    const c = new Models.Component(Enums.ComponentType.Library, p.name, { bomRef: ref, version: p.version, purl: purl(p, os) });
    c.properties.add(property(PROP.manager, p.manager));
    if (p.architecture) c.properties.add(property(PROP.architecture, p.architecture));
    if (p.source) c.properties.add(property(PROP.source, p.source));
    if (p.sourceVersion) c.properties.add(property(PROP.sourceVersion, p.sourceVersion));
    for (const l of p.licenses ?? []) {
      const id = SPDX.fixupSpdxId(l);
      c.licenses.add(id ? new Models.SpdxLicense(id) : new Models.NamedLicense(l));
    }
    bom.components.add(c);
    bom.metadata.component.dependencies.add(c.bomRef);
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  return serializer.serialize(bom, { sortLists: true, space: 2 }) + '\n';
}

/** packageurl-js, loaded when a package URL is first made or read: commands that do neither (most) skip its ~20 files. */
export function packageUrl(): typeof import('packageurl-js') {
  return createRequire(import.meta.url)('packageurl-js') as typeof import('packageurl-js');
}

/** pkg:deb/debian/openssl@3.0.15-1?arch=amd64&distro=debian-12&upstream=openssl, in the form syft writes. */
export function purl(p: InstalledPackage, os: OsRelease | undefined): string {
  const type = p.manager === 'dpkg' ? 'deb' : p.manager;
  const vendor = os?.id ?? (p.manager === 'dpkg' ? 'debian' : p.manager === 'apk' ? 'alpine' : 'unknown');
  let version = p.version;
  const qualifiers: Record<string, string> = {};
  if (p.architecture) qualifiers.arch = p.architecture;
  // rpm keeps the epoch out of the version (a qualifier); deb keeps "1:" in it.
  const epoch = p.manager === 'rpm' ? /^(\d+):(.+)$/.exec(version) : null;
  if (epoch) {
    qualifiers.epoch = epoch[1];
    version = epoch[2];
  }
  if (os?.id) qualifiers.distro = os.versionId ? `${os.id}-${os.versionId}` : os.id;
  if (p.source && p.source !== p.name) qualifiers.upstream = p.sourceVersion ? `${p.source}@${p.sourceVersion}` : p.source;
  return new (packageUrl().PackageURL)(type, vendor, p.name, version, qualifiers, undefined).toString();
}
