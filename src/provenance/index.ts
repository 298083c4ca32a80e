export { envelope, IN_TOTO_PAYLOAD_TYPE, pae, verifyEnvelope, type DsseEnvelope } from './dsse.js';
export { loadSigningKey, loadVerifyKey, PASSPHRASE_ENV, type SigningKey } from './keys.js';
export { provenanceStatement, type ProvenanceInput, type ResourceDescriptor, type Statement } from './statement.js';
export { verifyProvenance, type VerifyRequest } from './verify.js';
export { bundleSupports, isSigstoreBundle, SIGSTORE_BUNDLE_MEDIA_TYPE, sigstoreBundle, verifySigstoreBundle } from './sigstore-bundle.js';
