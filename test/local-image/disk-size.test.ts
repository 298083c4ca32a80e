import { describe, expect, it } from 'vitest';
import { parseDiskSize } from '../../src/local-image/index.js';

describe('parseDiskSize', () => {
  it.each([
    ['10G', 10240],
    ['512M', 512],
    ['2048', 2048],
    ['1T', 1048576],
    ['1536MiB', 1536],
  ])('%s is %i MiB', (text, mib) => expect(parseDiskSize(text)).toBe(mib));
  it.each(['', '1.5G', '100K', 'ten'])('rejects %j', (text) => expect(parseDiskSize(text)).toBeUndefined());
});
