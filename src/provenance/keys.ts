import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { errorText, UsageError } from '../core/errors.js';

/** A key that signs provenance: ed25519 or ECDSA (P-256, P-384, P-521), from a PEM or OpenSSH file. */
export interface SigningKey {
  file: string;
  /** sha256 of the public key (SubjectPublicKeyInfo, DER), hex: the DSSE signature's keyid. */
  keyid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The digest ECDSA signs with (by curve); undefined for ed25519, which hashes itself. */
  hash?: string;
}

/** Where a passphrase-protected signing key's passphrase comes from. */
export const PASSPHRASE_ENV = 'BAKE_SIGN_KEY_PASSPHRASE';

/** ssh2 reads OpenSSH key files; loaded only for them (it is CommonJS, and this runs synchronously before any build). */
function sshUtils(): typeof import('ssh2').utils {
  return (createRequire(import.meta.url)('ssh2') as typeof import('ssh2')).utils;
}

const CURVE_HASH: Record<string, string> = { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' };

/**
 * Reads the -sign-key file. Every problem (missing file, wrong or missing passphrase, a key type
 * DSSE verifiers do not take) is one line naming the file, thrown before any build starts.
 */
export function loadSigningKey(file: string, passphrase = process.env[PASSPHRASE_ENV]): SigningKey {
  const fail = (why: string) => new UsageError(`${file}: -sign-key: ${why}`);
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw fail(`cannot read it: ${errorText(err)}`);
  }
  let privateKey: KeyObject;
  const head = text.subarray(0, 200).toString('latin1');
  if (head.includes('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    const parsed = sshUtils().parseKey(text, passphrase);
    if (parsed instanceof Error) throw fail(passphraseHint(parsed.message));
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    privateKey = createPrivateKey(key.getPrivatePEM());
  } else if (head.includes('-----BEGIN')) {
    try {
      privateKey = createPrivateKey({ key: text, passphrase: passphrase ?? '' });
    } catch (err) {
      const message = errorText(err);
      if (/bad decrypt|passphrase|interrupted or cancelled/i.test(message)) {
        throw fail(passphrase ? 'wrong passphrase' : `the key is encrypted: set ${PASSPHRASE_ENV} to its passphrase`);
      }
      throw fail(`not a private key: ${message}`);
    }
  } else {
    throw fail('not a PEM or OpenSSH private key');
  }
  return signingKey(file, privateKey, fail);
}

function passphraseHint(message: string): string {
  if (/no passphrase given/i.test(message)) return `the key is encrypted: set ${PASSPHRASE_ENV} to its passphrase`;
  if (/bad passphrase|integrity check failed/i.test(message)) return 'wrong passphrase';
  return `not a usable OpenSSH private key: ${message}`;
}

function signingKey(file: string, privateKey: KeyObject, fail: (why: string) => Error): SigningKey {
  const type = privateKey.asymmetricKeyType;
  let hash: string | undefined;
  if (type === 'ec') {
    const curve = privateKey.asymmetricKeyDetails?.namedCurve ?? '';
    hash = CURVE_HASH[curve];
    if (!hash) throw fail(`ECDSA curve ${curve || 'unknown'} is not supported: use P-256, P-384 or P-521`);
  } else if (type !== 'ed25519') {
    throw fail(`${type ?? 'unknown'} keys are not supported: use an ed25519 or ECDSA key`);
  }
  const publicKey = createPublicKey(privateKey);
  return { file, keyid: keyId(publicKey), privateKey, publicKey, hash };
}

/** The public key `bake verify -key` checks with: a PEM public key, an OpenSSH public key line, or a private key. */
export function loadVerifyKey(file: string): { keyid: string; publicKey: KeyObject; hash?: string } {
  const fail = (why: string) => new UsageError(`${file}: -key: ${why}`);
  let text: Buffer;
  try {
    text = readFileSync(file);
  } catch (err) {
    throw fail(`cannot read it: ${errorText(err)}`);
  }
  const head = text.subarray(0, 200).toString('latin1');
  let publicKey: KeyObject;
  if (/^(ssh-ed25519|ecdsa-sha2-nistp\d+) /.test(head)) {
    const parsed = sshUtils().parseKey(text);
    if (parsed instanceof Error) throw fail(`not a usable OpenSSH public key: ${parsed.message}`);
    publicKey = createPublicKey((Array.isArray(parsed) ? parsed[0] : parsed).getPublicPEM());
  } else if (head.includes('PRIVATE KEY-----')) {
    return loadSigningKey(file);
  } else {
    try {
      publicKey = createPublicKey(text);
    } catch (err) {
      throw fail(`not a public key (PEM or OpenSSH): ${errorText(err)}`);
    }
  }
  const type = publicKey.asymmetricKeyType;
  const hash = type === 'ec' ? CURVE_HASH[publicKey.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (type !== 'ed25519' && !hash) throw fail(`${type} keys are not supported: use an ed25519 or ECDSA key`);
  return { keyid: keyId(publicKey), publicKey, hash };
}

function keyId(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}
