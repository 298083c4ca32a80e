import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const CHACHA = 'chacha20-poly1305@openssh.com';
const AES = ['aes128-gcm@openssh.com', 'aes256-gcm@openssh.com', 'aes128-ctr', 'aes192-ctr', 'aes256-ctr'];

let aesNi: boolean | undefined;

/** Whether the CPU has AES instructions; unknown (not Linux, unreadable) counts as yes. */
export function cpuHasAesNi(cpuinfo?: string): boolean {
  if (cpuinfo !== undefined) return /^(flags|Features)\s*:.*\baes\b/m.test(cpuinfo);
  if (aesNi === undefined) {
    try {
      aesNi = cpuHasAesNi(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      aesNi = true;
    }
  }
  return aesNi;
}

/** Whether ssh2's native crypto binding was built; without it chacha20 runs in plain JavaScript. */
export function chachaIsNative(): boolean {
  try {
    return Boolean(createRequire(import.meta.url)('ssh2/lib/protocol/crypto.js').bindingAvailable);
  } catch {
    return false;
  }
}

/**
 * Cipher preference: the template's list as given, else AES-GCM first where the CPU accelerates
 * AES, and chacha20-poly1305 first where it does not (natively it is several times faster than
 * AES in software).
 */
export function cipherPreference(configured: string[] | undefined, hasAesNi = cpuHasAesNi(), nativeChacha = chachaIsNative()): string[] {
  if (configured) return configured;
  return !hasAesNi && nativeChacha ? [CHACHA, ...AES] : [...AES, CHACHA];
}

/**
 * For a peer that has no AES instructions, such as a guest emulated by QEMU's TCG: chacha20 is
 * far cheaper there, and the guest's side dominates the cost of every byte.
 */
export function slowAesPeerCiphers(): string[] {
  return [CHACHA, ...AES];
}
