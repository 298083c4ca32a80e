import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { provenanceStatement, type ResourceDescriptor } from '../../src/provenance/index.js';

/** A fresh key pair written to `dir` as PKCS#8 and SPKI PEM files. */
export function keyPair(dir: string, name: string, type: 'ed25519' | 'ec', namedCurve?: string): { priv: string; pub: string } {
  const { privateKey, publicKey } = type === 'ec' ? generateKeyPairSync('ec', { namedCurve: namedCurve! }) : generateKeyPairSync('ed25519');
  const priv = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

/** The provenance of one build of web.json, as the provenance tests sign and verify it. */
export function exampleStatement(builderType: string, subjects: ResourceDescriptor[], sensitiveVariables: string[] = []) {
  return provenanceStatement({
    template: { path: 'web.json', sha256: 'a'.repeat(64) },
    buildName: 'web',
    builderType,
    bakeVersion: '0.1.0',
    runId: '20261207T031500Z-ab12',
    buildId: 'bake-1-0',
    started: new Date('2026-12-07T03:15:00Z'),
    finished: new Date('2026-12-07T03:25:00Z'),
    variables: { region: 'us-east-1' },
    sensitiveVariables,
    subjects,
    byproducts: [],
  });
}
