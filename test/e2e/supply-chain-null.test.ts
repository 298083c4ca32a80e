import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { validateCycloneDx, validateSpdx } from '../sbom/validate.js';

/**
 * The null builder over the real sshd: the machine it reaches is this host, so the SBOM lists a
 * real dpkg database (read, never changed). With -spdx the same list is also written as SPDX 2.3.
 */
let sshd: TestSshd;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'bake-supply-chain-null-'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('the null builder\'s SBOM', () => {
  it('-spdx: the SBOM also as SPDX 2.3, valid, with the same packages; in the manifest and the provenance', async () => {
    const manifest = join(dir, 'manifest.json');
    const template = join(dir, 'host.json');
    writeFileSync(
      template,
      JSON.stringify({
        builders: [{ type: 'null', name: 'host', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '20s' }],
        'post-processors': [{ type: 'manifest', output: manifest }],
      }),
    );
    const runs = join(dir, 'runs');
    const r = await runBake(['build', '-spdx', template], { env: { BAKE_RUNS_DIR: runs } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/SBOM: \d+ packages \(dpkg/);
    const folder = join(runs, readdirSync(runs).find((n) => !n.endsWith('.jsonl'))!, 'host');
    const cdx = join(folder, 'sbom.cdx.json');
    const spdx = join(folder, 'sbom.spdx.json');
    expect(await validateCycloneDx(readFileSync(cdx, 'utf8'))).toBeNull();
    expect(validateSpdx(readFileSync(spdx, 'utf8'))).toBeNull();

    const libraries = JSON.parse(readFileSync(cdx, 'utf8')).components.filter((c: { type: string }) => c.type === 'library');
    const packages = JSON.parse(readFileSync(spdx, 'utf8')).packages.filter((p: { externalRefs?: unknown[] }) => p.externalRefs);
    const purls = (list: { purl?: string; externalRefs?: { referenceLocator: string }[] }[]) => list.map((p) => p.purl ?? p.externalRefs![0].referenceLocator).sort();
    expect(purls(packages)).toEqual(purls(libraries));
    expect(packages.find((p: { name: string }) => p.name === 'openssh-server')).toMatchObject({ downloadLocation: 'NOASSERTION', copyrightText: 'NOASSERTION' });

    const build = JSON.parse(readFileSync(manifest, 'utf8')).builds[0];
    expect(build.files.map((f: { name: string }) => f.name)).toEqual([cdx, spdx, join(folder, 'provenance.intoto.jsonl')]);
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(join(folder, 'provenance.intoto.jsonl'), 'utf8')).payload, 'base64').toString());
    expect(statement.predicate.runDetails.byproducts).toContainEqual({ name: 'sbom.spdx.json', digest: { sha256: sha256(spdx) }, mediaType: 'application/spdx+json' });

    // Without the flag, no SPDX document.
    const plain = await runBake(['build', template], { env: { BAKE_RUNS_DIR: join(dir, 'runs-plain') } });
    expect(plain.code).toBe(0);
    expect(readdirSync(join(dir, 'runs-plain'), { recursive: true }).map(String).filter((f) => f.endsWith('.spdx.json'))).toEqual([]);
  });
});
