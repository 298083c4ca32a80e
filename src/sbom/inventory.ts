/** Which package database a package was read from. */
export type PackageManager = 'dpkg' | 'rpm' | 'apk';

/** One installed package, as its package database records it. */
export interface InstalledPackage {
  manager: PackageManager;
  name: string;
  version: string;
  architecture?: string;
  /** The source package it was built from, when the database names one other than itself. */
  source?: string;
  /** Source package version, when it differs from the binary's (dpkg "Source: name (version)"). */
  sourceVersion?: string;
  /** Licence text as the database (or the package's copyright file) gives it, e.g. "GPL-2+" or "MIT". */
  licenses?: string[];
}

/** The image's /etc/os-release, the fields scanners need to pick a vulnerability feed. */
export interface OsRelease {
  id: string;
  versionId?: string;
  versionCodename?: string;
  prettyName?: string;
  name?: string;
}

/** What bake found in an image: its OS and its packages, and whatever kept the list from being whole. */
export interface Inventory {
  os?: OsRelease;
  packages: InstalledPackage[];
  /** The package databases that were read. */
  managers: PackageManager[];
  /** Why the list may be incomplete (an unreadable or damaged database); empty when complete. */
  problems: string[];
  /** A remark for the SBOM, e.g. that the image has no package database. */
  note?: string;
}

/** A stable key for a package across two inventories: name and architecture (multi-arch images have both libc6:amd64 and libc6:i386). */
export function packageKey(p: Pick<InstalledPackage, 'manager' | 'name' | 'architecture'>): string {
  return `${p.manager}/${p.name}${p.architecture ? `:${p.architecture}` : ''}`;
}
