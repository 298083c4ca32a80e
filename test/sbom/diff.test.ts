import { describe, expect, it } from 'vitest';
import { diffPackages, diffSummary, diffTable } from '../../src/sbom/index.js';
import type { SbomPackage } from '../../src/sbom/read-sbom.js';

const deb = (name: string, version: string, architecture = 'amd64'): SbomPackage => ({ type: 'deb', name, version, architecture });

const yesterday = [deb('openssl', '3.0.11-1~deb12u2'), deb('libssl3', '3.0.11-1~deb12u2'), deb('telnet', '0.17+2.4-2'), deb('tzdata', '2024a-0+deb12u1', 'all'), deb('linux-image-amd64', '6.1.90-1'), deb('linux-image-amd64', '6.1.94-1')];
const tonight = [deb('openssl', '3.0.15-1~deb12u1'), deb('libssl3', '3.0.15-1~deb12u1'), deb('tzdata', '2024a-0+deb12u1', 'all'), deb('curl', '7.88.1-10+deb12u7'), deb('libcurl4', '7.88.1-10+deb12u7'), deb('linux-image-amd64', '6.1.94-1'), deb('linux-image-amd64', '6.1.99-1')];

describe('package diffs', () => {
  it('added, removed and changed by name and architecture; several installed versions compared as a set', () => {
    const d = diffPackages(yesterday, tonight);
    expect(d.added.map((p) => p.name)).toEqual(['curl', 'libcurl4']);
    expect(d.removed.map((p) => p.name)).toEqual(['telnet']);
    expect(d.changed).toEqual([
      { name: 'libssl3', architecture: 'amd64', from: '3.0.11-1~deb12u2', to: '3.0.15-1~deb12u1' },
      { name: 'linux-image-amd64', architecture: 'amd64', from: '6.1.90-1 and 6.1.94-1', to: '6.1.94-1 and 6.1.99-1' },
      { name: 'openssl', architecture: 'amd64', from: '3.0.11-1~deb12u2', to: '3.0.15-1~deb12u1' },
    ]);
    expect(d.counts).toEqual({ a: 6, b: 7 });
    // The same package for another architecture is another package.
    expect(diffPackages([deb('zlib1g', '1.2.13')], [deb('zlib1g', '1.2.13', 'i386')])).toMatchObject({ added: [{ architecture: 'i386' }], removed: [{ architecture: 'amd64' }], changed: [] });
  });

  it('one line for CI summaries: the first upgrades with both versions, then the counts', () => {
    expect(diffSummary(diffPackages(yesterday, tonight))).toBe('libssl3 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1, linux-image-amd64 6.1.90-1 and 6.1.94-1 → 6.1.94-1 and 6.1.99-1, openssl 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1, +2 packages, -1 package');
    expect(diffSummary(diffPackages(yesterday, tonight), 1)).toBe('libssl3 3.0.11-1~deb12u2 → 3.0.15-1~deb12u1, 2 more changed, +2 packages, -1 package');
    expect(diffSummary(diffPackages([deb('openssl', '3.0.11-1')], [deb('openssl', '3.0.15-1'), deb('a', '1'), deb('b', '2')]))).toBe('openssl 3.0.11-1 → 3.0.15-1, +2 packages');
    expect(diffSummary(diffPackages(tonight, tonight))).toBe('no package changed');
  });

  it('the table of `bake diff`: one row per package in name order, then the counts', () => {
    expect(diffTable(diffPackages(yesterday.slice(0, 3), tonight.slice(0, 4)))).toBe(
      [
        '  package        before            after',
        '+ curl:amd64                       7.88.1-10+deb12u7',
        '~ libssl3:amd64  3.0.11-1~deb12u2  3.0.15-1~deb12u1',
        '~ openssl:amd64  3.0.11-1~deb12u2  3.0.15-1~deb12u1',
        '- telnet:amd64   0.17+2.4-2',
        '+ tzdata:all                       2024a-0+deb12u1',
        '',
        '3 → 4 packages: 2 added, 1 removed, 2 changed',
        '',
      ].join('\n'),
    );
    expect(diffTable(diffPackages(tonight, tonight))).toBe('7 → 7 packages: 0 added, 0 removed, 0 changed\n');
  });
});
