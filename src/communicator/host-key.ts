import { createHash } from 'node:crypto';

/** A host's public key: its SSH wire blob and type, as sshd presents it and as known_hosts and consoles list it. */
export interface HostPublicKey {
  type: string;
  blob: Buffer;
}

/**
 * The fields after the type name in each key type's wire blob (RFC 4253, 5656, 8709, OpenSSH's
 * PROTOCOL.u2f): enough to find where a blob ends when a console wrapped it over several lines.
 */
const FIELDS_AFTER_TYPE: Record<string, number> = {
  'ssh-ed25519': 1,
  'ssh-rsa': 2,
  'ssh-dss': 4,
  'ecdsa-sha2-nistp256': 2,
  'ecdsa-sha2-nistp384': 2,
  'ecdsa-sha2-nistp521': 2,
  'sk-ssh-ed25519@openssh.com': 2,
  'sk-ecdsa-sha2-nistp256@openssh.com': 3,
};

export function isKnownKeyType(type: string): boolean {
  return type in FIELDS_AFTER_TYPE;
}

/** OpenSSH's fingerprint: "SHA256:" and the unpadded base64 of the blob's SHA-256. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** "ED25519", "RSA", "ECDSA": the name ssh-keygen -l puts in parentheses. */
export function keyKind(type: string): string {
  if (type.includes('ed25519')) return 'ED25519';
  if (type.includes('ecdsa')) return 'ECDSA';
  if (type.includes('rsa')) return 'RSA';
  if (type.includes('dss')) return 'DSA';
  return type.toUpperCase();
}

function readString(blob: Buffer, at: number): { value: Buffer; next: number } | undefined {
  if (at + 4 > blob.length) return undefined;
  const length = blob.readUInt32BE(at);
  if (at + 4 + length > blob.length) return undefined;
  return { value: blob.subarray(at + 4, at + 4 + length), next: at + 4 + length };
}

/**
 * Decodes a base64 key of a known type, ignoring whatever follows the blob's last field (a comment
 * glued on by line wrapping). Undefined when the text is not a whole key of that type.
 */
export function decodeKey(type: string, base64: string): HostPublicKey | undefined {
  const fields = FIELDS_AFTER_TYPE[type];
  if (fields === undefined || !/^[A-Za-z0-9+/]+=*$/.test(base64)) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  const name = readString(bytes, 0);
  if (!name || name.value.toString('latin1') !== type) return undefined;
  let at = name.next;
  for (let i = 0; i < fields; i++) {
    const field = readString(bytes, at);
    if (!field) return undefined;
    at = field.next;
  }
  return { type, blob: Buffer.from(bytes.subarray(0, at)) };
}

/** The key as an authorized_keys / known_hosts line fragment: "ssh-ed25519 AAAA…". */
export function keyText(key: HostPublicKey): string {
  return `${key.type} ${key.blob.toString('base64')}`;
}

/** The type name inside a wire blob ("ssh-ed25519"), as ssh2's hostVerifier gets the blob alone. */
export function blobType(blob: Buffer): string {
  return readString(blob, 0)?.value.toString('latin1') ?? 'unknown';
}
