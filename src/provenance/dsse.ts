import { sign, verify, type KeyObject } from 'node:crypto';
import type { SigningKey } from './keys.js';

/** The payload type of an in-toto statement in a DSSE envelope. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the statement's bytes. */
  payload: string;
  signatures: { keyid: string; sig: string }[];
}

/** DSSE's pre-authentication encoding: what is signed, so the payload type is signed too. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** Wraps the payload in an envelope, signed when a key is given (unsigned envelopes have no signatures). */
export function envelope(payload: Buffer, key: SigningKey | undefined, payloadType = IN_TOTO_PAYLOAD_TYPE): DsseEnvelope {
  const signatures = key ? [{ keyid: key.keyid, sig: sign(key.hash ?? null, pae(payloadType, payload), key.privateKey).toString('base64') }] : [];
  return { payloadType, payload: payload.toString('base64'), signatures };
}

/** Whether one of the envelope's signatures verifies with the key. */
export function verifyEnvelope(env: DsseEnvelope, key: { publicKey: KeyObject; hash?: string }): boolean {
  const message = pae(env.payloadType, Buffer.from(env.payload, 'base64'));
  return env.signatures.some((s) => {
    try {
      return verify(key.hash ?? null, message, key.publicKey, Buffer.from(s.sig, 'base64'));
    } catch {
      return false;
    }
  });
}
