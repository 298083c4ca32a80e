import { createRequire } from 'node:module';
import type { KeyObject } from 'node:crypto';
import { BakeError, errorText } from '../core/errors.js';
import type { DsseEnvelope } from './dsse.js';
import type { SigningKey } from './keys.js';

/**
 * The signed provenance as a Sigstore bundle (v0.3 JSON: the DSSE envelope and, as verification
 * material, the public key's hint — its keyid), the form cosign and the other Sigstore verifiers
 * read. Written with `@sigstore/bundle` and checked with `@sigstore/verify`, both offline: no
 * Fulcio certificate, no Rekor entry, no timestamp, only the user's key (`@sigstore/sign`, which
 * talks to those services and brings an HTTP client, is not used: the signature is the DSSE
 * envelope's own).
 */
export const SIGSTORE_BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

// CommonJS packages, loaded only when a signed provenance is written or a bundle verified.
const load = () => {
  const require = createRequire(import.meta.url);
  return {
    bundle: require('@sigstore/bundle') as typeof import('@sigstore/bundle'),
    verify: require('@sigstore/verify') as typeof import('@sigstore/verify'),
  };
};

/**
 * Whether Sigstore's verifiers check this key's signatures as bake makes them: `@sigstore/verify`
 * hashes every ECDSA signature with SHA-256, so a P-384 or P-521 key's (SHA-384/512, as DSSE
 * verifiers and Sigstore's key details expect) would be rejected there.
 */
export function bundleSupports(key: Pick<SigningKey, 'hash'>): boolean {
  return key.hash === undefined || key.hash === 'sha256';
}

/** The bundle of a signed envelope (its one signature: nothing is signed twice). */
export function sigstoreBundle(env: DsseEnvelope, key: SigningKey): unknown {
  const { bundle } = load();
  return bundle.bundleToJSON(
    bundle.toDSSEBundle({
      artifact: Buffer.from(env.payload, 'base64'),
      artifactType: env.payloadType,
      signature: Buffer.from(env.signatures[0]!.sig, 'base64'),
      keyHint: key.keyid,
      certificateChain: false,
    }),
  );
}

/** Whether a parsed JSON file is a Sigstore bundle (rather than a DSSE envelope). */
export function isSigstoreBundle(json: unknown): boolean {
  const type = (json as { mediaType?: unknown } | null)?.mediaType;
  return typeof type === 'string' && type.startsWith('application/vnd.dev.sigstore.bundle');
}

/**
 * Checks a bundle with `@sigstore/verify` against the one public key given (no transparency log,
 * certificate or timestamp is required: there are none offline) and returns its DSSE envelope.
 * Each failure is one line saying which check failed.
 */
export function verifySigstoreBundle(file: string, json: unknown, key: { keyid: string; publicKey: KeyObject; file: string }): DsseEnvelope {
  const { bundle: b, verify: v } = load();
  let parsed: ReturnType<typeof b.bundleFromJSON>;
  try {
    parsed = b.bundleFromJSON(json);
  } catch (err) {
    throw new BakeError(`${file}: not a valid Sigstore bundle: ${errorText(err)}`);
  }
  if (parsed.content.$case !== 'dsseEnvelope') throw new BakeError(`${file}: the Sigstore bundle holds a message signature, not a DSSE envelope`);
  const env = parsed.content.dsseEnvelope;
  const material = parsed.verificationMaterial.content;
  if (material.$case !== 'publicKey') throw new BakeError(`${file}: the Sigstore bundle is signed with a certificate (keyless), not a key: use cosign with its trusted root`);
  if (material.publicKey.hint !== key.keyid) {
    throw new BakeError(`${file}: signed by another key (keyid ${material.publicKey.hint.slice(0, 16) || 'none'}), not ${key.file} (keyid ${key.keyid.slice(0, 16)})`);
  }
  const trust = v.toTrustMaterial(
    { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] },
    { [key.keyid]: { rawBytes: key.publicKey.export({ type: 'spki', format: 'der' }), keyDetails: 0 } },
  );
  try {
    new v.Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(v.toSignedEntity(parsed));
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SIGNATURE_ERROR') throw new BakeError(`${file}: the signature does not match the statement: it was changed after signing`);
    throw new BakeError(`${file}: the Sigstore bundle does not verify: ${errorText(err)}`);
  }
  return {
    payloadType: env.payloadType,
    payload: env.payload.toString('base64'),
    signatures: env.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig.toString('base64') })),
  };
}
