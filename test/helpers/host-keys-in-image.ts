import { closeSync, openSync, readSync } from 'node:fs';
import { fingerprint } from '../../src/communicator/host-key.js';

const PUBLIC_TEXT = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAI');
const PRIVATE_TEXT = Buffer.from('BEGIN OPENSSH PRIVATE KEY-----');
const BLOB_PREFIX = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32])]);

function fromPrivateText(text: string, found: Map<string, number[]>, offset: number): void {
  const body = text.split('-----END')[0].replace(/\\n|\s/g, '');
  const bytes = Buffer.from(body, 'base64');
  for (let at = bytes.indexOf(BLOB_PREFIX); at >= 0 && at + 51 <= bytes.length; at = bytes.indexOf(BLOB_PREFIX, at + 1)) {
    note(found, fingerprint(bytes.subarray(at, at + 51)), offset);
  }
}

function note(found: Map<string, number[]>, fp: string, offset: number): void {
  found.set(fp, [...(found.get(fp) ?? []), offset]);
}

/**
 * Fingerprints of every ed25519 key whose text is anywhere in a raw disk, files and free blocks
 * alike: public keys ("ssh-ed25519 AAAA…", in .pub files, user-data, logs) and OpenSSH private keys
 * (also as a JSON string with \n escapes, as a cloud-init seed holds them), each with the byte
 * offsets it was found at.
 */
export function ed25519KeysIn(raw: string): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const fd = openSync(raw, 'r');
  const chunk = Buffer.alloc(64 * 1024 * 1024);
  const overlap = 4096;
  try {
    for (let position = 0; ; position += chunk.length - overlap) {
      const n = readSync(fd, chunk, 0, chunk.length, position);
      if (n <= 0) break;
      const view = chunk.subarray(0, n);
      for (let at = view.indexOf(PUBLIC_TEXT); at >= 0; at = view.indexOf(PUBLIC_TEXT, at + 1)) {
        const blob = Buffer.from(view.subarray(at, at + 68).toString('latin1'), 'base64');
        if (blob.length === 51) note(found, fingerprint(blob), position + at);
      }
      for (let at = view.indexOf(PRIVATE_TEXT); at >= 0; at = view.indexOf(PRIVATE_TEXT, at + 1)) {
        fromPrivateText(view.subarray(at + PRIVATE_TEXT.length, at + PRIVATE_TEXT.length + 2048).toString('latin1'), found, position + at);
      }
      if (n < chunk.length) break;
    }
  } finally {
    closeSync(fd);
  }
  return found;
}
