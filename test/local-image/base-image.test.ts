import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeStaleImages } from '../../src/local-image/base-image.js';

describe('removeStaleImages', () => {
  it('removes images of earlier recipes and the files named after them (the installer ISO, the kept digest), nothing else', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-images-'));
    const files = [
      'debian-12-bake-aaaa1111.qcow2',
      'debian-12-bake-aaaa1111-boot-prompt.iso',
      'debian-12-bake-aaaa1111-sha256.json',
      'debian-12-bake-bbbb2222.qcow2',
      'debian-12-bake-bbbb2222-boot-prompt.iso',
      'debian-12-bake-bbbb2222-sha256.json',
      'debian-12-arm64-cccc3333.qcow2',
      'my-own.qcow2',
    ];
    for (const f of files) writeFileSync(join(dir, f), '');
    removeStaleImages(join(dir, 'debian-12-bake-bbbb2222.qcow2'));
    expect(readdirSync(dir).sort()).toEqual(['debian-12-arm64-cccc3333.qcow2', 'debian-12-bake-bbbb2222-boot-prompt.iso', 'debian-12-bake-bbbb2222-sha256.json', 'debian-12-bake-bbbb2222.qcow2', 'my-own.qcow2']);
  });
});
