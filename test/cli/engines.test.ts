import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

type Version = [number, number, number];

function parse(v: string): Version {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number);
  return [a, b, c];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * Whether `version` satisfies an engines range of the forms npm packages use for node: comparator
 * sets (`>=20.18.0`, `^20.17.0`, `>= 14.6`, `<21`) joined by spaces and `||`. Anything else fails
 * the test, so a new form is noticed rather than misread.
 */
function satisfies(version: Version, range: string): boolean {
  return range.split('||').some((set) =>
    (set.trim().replace(/([<>=^~]+)\s+/g, '$1').match(/\S+/g) ?? []).every((comparator) => {
      const m = /^(>=|<=|>|<|\^|=)?(\d+(?:\.\d+){0,2})$/.exec(comparator);
      if (!m) throw new Error(`engines range not understood: ${range}`);
      const bound = parse(m[2]!);
      const c = compare(version, bound);
      switch (m[1]) {
        case '>=': return c >= 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        case '<': return c < 0;
        case '^': return c >= 0 && version[0] === bound[0];
        default: return c === 0;
      }
    }),
  );
}

describe('engines and dependency ranges', () => {
  it('the AWS SDK is pinned to exact releases, and node_modules holds them (the EC2 client is bundled, cut down: an update is a deliberate step)', () => {
    const pkg = read('package.json') as { dependencies: Record<string, string> };
    const sdk = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(sdk.length).toBeGreaterThanOrEqual(4);
    for (const [name, range] of sdk) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
      const installed = read(`node_modules/${name}/package.json`) as { version: string };
      expect(installed.version, name).toBe(range);
    }
  });

  it('the Node.js a checkout installs (the `node` package npm scripts run on) is one that "engines" allows, and it runs these tests', () => {
    const pkg = read('package.json') as { engines: { node: string }; devDependencies: Record<string, string>; allowScripts: Record<string, boolean> };
    const local = read('node_modules/node/package.json') as { version: string };
    expect(pkg.devDependencies.node).toMatch(/^\^22\./);
    expect(pkg.allowScripts.node, 'its preinstall fetches the binary package').toBe(true);
    expect(satisfies(parse(local.version), pkg.engines.node), `node_modules' Node.js ${local.version}`).toBe(true);
    expect(process.versions.node).toBe(local.version);
  });

  it('every Node.js version "engines" allows runs every package bake installs (sigstore needs 22.9 when not 20.17)', () => {
    const pkg = read('package.json') as { engines: { node: string } };
    const lock = read('package-lock.json') as { packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }> };
    expect(lock.packages['']!.engines).toEqual(pkg.engines);
    const ranges = Object.entries(lock.packages)
      .filter(([path, p]) => path !== '' && !p.dev && !Array.isArray(p.engines) && p.engines?.node)
      .map(([path, p]) => [path, (p.engines as { node: string }).node] as const);
    expect(ranges.length).toBeGreaterThan(10);
    // The versions where any range's answer can change: each bound named, and each major's first release.
    const candidates = [...new Set([pkg.engines.node, ...ranges.map(([, r]) => r)].flatMap((r) => r.match(/\d+(?:\.\d+){0,2}/g) ?? []))]
      .map(parse)
      .concat(Array.from({ length: 10 }, (_, i) => [18 + i, 0, 0] as Version));
    const allowed = candidates.filter((v) => satisfies(v, pkg.engines.node));
    expect(allowed.length).toBeGreaterThan(0);
    for (const v of allowed) {
      for (const [path, range] of ranges) expect(satisfies(v, range), `${path} (engines ${range}) on Node.js ${v.join('.')}`).toBe(true);
    }
    expect(satisfies(parse(process.versions.node), pkg.engines.node), `this Node.js ${process.versions.node}`).toBe(true);
  });
});
