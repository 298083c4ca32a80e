import { readFileSync } from 'node:fs';
import { BakeError, errorText } from '../core/errors.js';
import { hashFile } from '../local-image/index.js';
import { type DsseEnvelope, IN_TOTO_PAYLOAD_TYPE, verifyEnvelope } from './dsse.js';
import { loadVerifyKey } from './keys.js';
import { isSigstoreBundle, verifySigstoreBundle } from './sigstore-bundle.js';
import type { ResourceDescriptor, Statement } from './statement.js';

export interface VerifyRequest {
  provenance: string;
  keyFile: string;
  /** A cloud image id the statement must name as a subject. */
  image?: string;
  /** A file whose sha256 must be a subject's. */
  file?: string;
}

/**
 * `bake verify`: the signature with the key (a DSSE file's envelope, or a Sigstore bundle), then the subject. Every failure is one
 * line saying which check failed (exit 1); success returns the line to print.
 */
export async function verifyProvenance(req: VerifyRequest): Promise<string> {
  const key = loadVerifyKey(req.keyFile);
  const p = req.provenance;
  const read = readProvenance(p);
  // A Sigstore bundle (provenance.sigstore.json) is checked by @sigstore/verify; a DSSE file here.
  const env = 'bundle' in read ? verifySigstoreBundle(p, read.bundle, { ...key, file: req.keyFile }) : read.envelopes.find((e) => verifyEnvelope(e, key));
  if (!env) {
    const envelopes = 'envelopes' in read ? read.envelopes : [];
    const signatures = envelopes.flatMap((e) => e.signatures);
    if (signatures.length === 0) throw new BakeError(`${p}: not signed (it was written without -sign-key)`);
    if (signatures.some((s) => s.keyid === key.keyid)) throw new BakeError(`${p}: the signature does not match the statement: it was changed after signing`);
    const others = [...new Set(signatures.map((s) => s.keyid.slice(0, 16) || 'no keyid'))].join(', ');
    throw new BakeError(`${p}: signed by another key (keyid ${others}), not ${req.keyFile} (keyid ${key.keyid.slice(0, 16)}), or changed after signing`);
  }
  let statement: Statement;
  try {
    statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Statement;
  } catch (err) {
    throw new BakeError(`${p}: the signed payload is not JSON: ${errorText(err)}`);
  }
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE || !Array.isArray(statement.subject)) throw new BakeError(`${p}: the signed payload is not an in-toto statement`);
  const matched = await matchSubject(p, statement.subject, req);
  const ext = statement.predicate?.buildDefinition?.externalParameters as { build?: string; template?: ResourceDescriptor } | undefined;
  const from = ext?.template?.uri ? ` from ${ext.template.uri} (sha256 ${ext.template.digest?.sha256?.slice(0, 12)}…)` : '';
  const run = statement.predicate?.runDetails?.metadata?.invocationId;
  return `${p}: verified: signed by ${req.keyFile}${matched ? `; ${matched}` : ''}; build ${ext?.build ?? '?'}${run ? ` of run ${run}` : ''}${from}`;
}

/** The file's DSSE envelopes (one per JSON line), or the Sigstore bundle it is. */
function readProvenance(file: string): { envelopes: DsseEnvelope[] } | { bundle: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BakeError(`${file}: cannot read it: ${errorText(err)}`);
  }
  try {
    const whole: unknown = JSON.parse(text);
    if (isSigstoreBundle(whole)) return { bundle: whole };
  } catch {
    // Several lines (JSON Lines) or not JSON: read line by line below.
  }
  const envelopes: DsseEnvelope[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let e: DsseEnvelope;
    try {
      e = JSON.parse(line);
    } catch {
      throw new BakeError(`${file}:${i + 1}: not a JSON line`);
    }
    if (typeof e?.payload !== 'string' || typeof e.payloadType !== 'string' || !Array.isArray(e.signatures)) {
      throw new BakeError(`${file}:${i + 1}: not a DSSE envelope (payloadType, payload, signatures)`);
    }
    envelopes.push(e);
  }
  if (envelopes.length === 0) throw new BakeError(`${file}: empty: no DSSE envelope`);
  return { envelopes };
}

async function matchSubject(p: string, subjects: ResourceDescriptor[], req: VerifyRequest): Promise<string | undefined> {
  const names = subjects.map((s) => s.name ?? '?').join(', ');
  if (req.image) {
    const hit = subjects.find((s) => s.digest?.imageId === req.image);
    if (!hit) throw new BakeError(`${p}: the subject does not match: no subject is image ${req.image} (the statement names ${names})`);
    return `subject ${hit.name} is image ${req.image}`;
  }
  if (req.file) {
    let digest: string;
    try {
      digest = await hashFile(req.file, 'sha256');
    } catch (err) {
      throw new BakeError(`${req.file}: cannot read it: ${errorText(err)}`);
    }
    const hit = subjects.find((s) => s.digest?.sha256 === digest);
    if (!hit) throw new BakeError(`${p}: the subject does not match: ${req.file} (sha256 ${digest.slice(0, 16)}…) is none of ${names}`);
    return `subject ${hit.name} is ${req.file} (sha256 ${digest.slice(0, 16)}…)`;
  }
  return undefined;
}
