import { describe, expect, it } from 'vitest';
import { cipherPreference, cpuHasAesNi } from '../../src/communicator/ssh-algorithms.js';

describe('cipher preference', () => {
  it('reads the aes flag from cpuinfo', () => {
    expect(cpuHasAesNi('processor\t: 0\nflags\t\t: fpu sse2 aes avx\n')).toBe(true);
    expect(cpuHasAesNi('processor\t: 0\nflags\t\t: fpu sse2 avx\n')).toBe(false);
    expect(cpuHasAesNi('Features\t: fp asimd aes pmull\n')).toBe(true);
  });

  it('puts chacha20-poly1305 first without AES-NI, AES-GCM first with it, and keeps a configured list', () => {
    expect(cipherPreference(undefined, false, true)[0]).toBe('chacha20-poly1305@openssh.com');
    expect(cipherPreference(undefined, true, true)[0]).toBe('aes128-gcm@openssh.com');
    expect(cipherPreference(undefined, false, false)[0]).toBe('aes128-gcm@openssh.com');
    expect(cipherPreference(['aes256-ctr'], false)).toEqual(['aes256-ctr']);
  });
});
