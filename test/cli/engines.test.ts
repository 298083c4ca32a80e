import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8'));

describe('engines and dependency ranges', () => {
  it('pin the AWS SDK to releases that run on the Node.js that "engines" allows (releases after January 2027 need Node.js 22)', () => {
    const pkg = read('package.json') as { engines: { node: string }; dependencies: Record<string, string> };
    expect(pkg.engines.node).toBe('>=20');
    const sdk = Object.entries(pkg.dependencies).filter(([name]) => name.startsWith('@aws-sdk/'));
    expect(sdk.length).toBeGreaterThanOrEqual(4);
    for (const [name, range] of sdk) {
      expect(range, name).toMatch(/^\d+\.\d+\.\d+$/);
      const installed = read(`node_modules/${name}/package.json`) as { version: string; engines: { node: string } };
      expect(installed.version, name).toBe(range);
      expect(installed.engines.node, name).toBe('>=20.0.0');
    }
  });
});
