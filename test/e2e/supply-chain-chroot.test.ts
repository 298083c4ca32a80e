import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canChroot } from '../helpers/chroot-build.js';
import { runBake, type BakeRun } from '../helpers/run-bake.js';
import { validateCycloneDx } from '../sbom/validate.js';

/**
 * Two real chroot builds of bake's Debian base image (the dpkg database of a real system), the
 * second installing one more package from a .deb built here: the SBOM of each, the package diff
 * -diff-against prints and `bake diff` computes from manifests, run ids and image files, and the
 * signed provenance `bake verify` checks.
 */
const dir = mkdtempSync(join(tmpdir(), 'bake-supply-chain-'));
const env = { BAKE_RUNS_DIR: join(dir, 'runs'), BAKE_JOURNAL: join(dir, 'journal.jsonl'), GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function template(name: string, provisioners: unknown[], extra: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.json`);
  const out = join(dir, `out-${name}`);
  writeFileSync(
    file,
    JSON.stringify({
      builders: [{ type: 'chroot', name: 'web', output_directory: out, format: 'qcow2', vm_name: 'web.qcow2', ...extra }],
      provisioners,
      'post-processors': [{ type: 'manifest', output: join(out, 'manifest.json') }],
    }),
  );
  return file;
}

/** A real Debian package, built with dpkg-deb: what the second build installs. */
function helloDeb(): string {
  const root = join(dir, 'deb');
  mkdirSync(join(root, 'DEBIAN'), { recursive: true });
  mkdirSync(join(root, 'usr/share/bake-hello'), { recursive: true });
  writeFileSync(join(root, 'usr/share/bake-hello/hello.txt'), 'hello\n');
  writeFileSync(join(root, 'DEBIAN/control'), 'Package: bake-hello\nVersion: 1.0-1\nArchitecture: all\nMaintainer: bake tests <tests@example.com>\nDescription: one package more\n');
  execFileSync('dpkg-deb', ['--root-owner-group', '--build', root, join(dir, 'bake-hello.deb')], { stdio: 'pipe' });
  return join(dir, 'bake-hello.deb');
}

/**
 * Runs the worked nightly example of docs/supply-chain.md as written, with its paths mapped onto
 * this test's: its `export NAME="$(cat FILE)"` lines and its `bake …` line. Any other line in the
 * block fails the test, so the docs cannot drift to something this does not run.
 */
async function runDocsNightly(paths: Record<string, string>): Promise<BakeRun> {
  const docs = readFileSync(fileURLToPath(new URL('../../docs/supply-chain.md', import.meta.url)), 'utf8');
  const block = /## A worked nightly example\n\n```sh\n([\s\S]*?)```/.exec(docs)?.[1];
  if (!block) throw new Error('docs/supply-chain.md: no sh block under "A worked nightly example"');
  const mapped = (word: string) => Object.entries(paths).reduce((w, [from, to]) => (w.startsWith(from) ? to + w.slice(from.length) : w), word);
  const childEnv: Record<string, string> = { ...env };
  let run: BakeRun | undefined;
  for (const line of block.split('\n').filter((l) => l.trim() && !l.startsWith('#'))) {
    const exported = /^export (\w+)="\$\(cat (\S+)\)"$/.exec(line);
    if (exported) childEnv[exported[1]!] = readFileSync(mapped(exported[2]!), 'utf8').replace(/\n$/, '');
    else if (line.startsWith('bake ')) run = await runBake(line.split(/\s+/).slice(1).map(mapped), { env: childEnv, timeoutMs: 240_000 });
    else throw new Error(`docs/supply-chain.md nightly example: this test cannot run "${line}"`);
  }
  if (!run) throw new Error('docs/supply-chain.md nightly example: no bake line');
  return run;
}

describe.skipIf(!canChroot)('SBOM, provenance and bake diff on real chroot builds', () => {
  let first: BakeRun;
  let second: BakeRun;
  let pub: string;
  const runIds: string[] = [];

  beforeAll(async () => {
    // The docs' nightly example signs with a passphrase-protected key, the passphrase in a file.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    pub = join(dir, 'sign.pub.pem');
    writeFileSync(join(dir, 'sign.pem'), privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'night owl' }));
    writeFileSync(join(dir, 'sign.pass'), 'night owl\n');
    writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
    first = await runBake(['build', template('first', [{ type: 'shell', inline: ['echo first'] }])], { env, timeoutMs: 240_000 });
    const deb = helloDeb();
    const nightly = template('second', [
      { type: 'file', source: deb, destination: '/tmp/bake-hello.deb' },
      { type: 'shell', inline: ['dpkg -i /tmp/bake-hello.deb'] },
    ]);
    second = await runDocsNightly({ '/etc/bake/': `${dir}/`, 'web.json': nightly });
    runIds.push(...readdirSync(env.BAKE_RUNS_DIR).filter((n) => n.endsWith('.jsonl')).map((n) => n.replace('.jsonl', '')).sort());
  }, 500_000);

  it('lists the image\'s dpkg packages in a valid CycloneDX 1.6 SBOM beside the image, in the manifest', async () => {
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/SBOM: \d{3} packages \(dpkg\), Debian GNU\/Linux 12 \(bookworm\) in [\d.]+ s/);
    const sbom = join(dir, 'out-first', 'sbom.cdx.json');
    expect(await validateCycloneDx(readFileSync(sbom, 'utf8'))).toBeNull();
    const doc = JSON.parse(readFileSync(sbom, 'utf8'));
    const bash = doc.components.find((c: { name: string }) => c.name === 'bash');
    expect(bash.purl).toMatch(/^pkg:deb\/debian\/bash@[^?]+\?arch=amd64&distro=debian-12$/);
    expect(doc.components.find((c: { type: string }) => c.type === 'operating-system')).toMatchObject({ name: 'debian', version: '12' });
    const manifest = JSON.parse(readFileSync(join(dir, 'out-first', 'manifest.json'), 'utf8'));
    expect(manifest.builds[0].files.map((f: { name: string }) => f.name)).toEqual([join(dir, 'out-first', 'web.qcow2'), sbom, join(dir, 'out-first', 'provenance.intoto.jsonl')]);
    expect(manifest.builds[0].custom_data.sbom_sha256).toBe(sha256(sbom));
    // The run keeps its own copy for later diffs: a -force rebuild into the same folder replaces the other.
    expect(readFileSync(join(env.BAKE_RUNS_DIR, runIds[0], 'web', 'sbom.cdx.json'), 'utf8')).toBe(readFileSync(sbom, 'utf8'));
    expect(first.stdout).toContain('(provenance unsigned: no -sign-key)');
  });

  it('-diff-against last: the second build prints the one package it added, and records it', () => {
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Package changes (-diff-against last):');
    expect(second.stdout).toContain(`--> web: +1 package (against run ${runIds[0]})`);
    const record = readFileSync(join(env.BAKE_RUNS_DIR, `${runIds[1]}.jsonl`), 'utf8');
    const result = record.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.data?.build_result)!.data.build_result;
    expect(result.sbom_diff).toMatchObject({ against_run: runIds[0], added: [{ name: 'bake-hello', version: '1.0-1', architecture: 'all', type: 'deb' }], removed: [], changed: [] });
    expect(result.sbom.packages).toBe(JSON.parse(readFileSync(join(dir, 'out-first', 'sbom.cdx.json'), 'utf8')).components.length);
    // The GitHub step summary: one line per build with its package count and what changed.
    expect(readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8')).toContain(`\n#### Packages\n\n- **web**: ${result.sbom.packages} packages; +1 package since run \`${runIds[0]}\`\n`);
  });

  it('bake diff: manifests, run ids and image files; -json; -exit-code', async () => {
    const table = await runBake(['diff', join(dir, 'out-first', 'manifest.json'), join(dir, 'out-second', 'manifest.json')], { env });
    expect(table.stderr).toBe('');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^  package\s+before\s+after\n\+ bake-hello:all\s+1\.0-1\n\n(\d+) → (\d+) packages: 1 added, 0 removed, 0 changed\n$/);
    const json = await runBake(['diff', '-json', '-exit-code', runIds[0], runIds[1]], { env });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ build: 'web', added: [{ name: 'bake-hello', version: '1.0-1' }], removed: [], changed: [] });
    const files = await runBake(['diff', '-exit-code', join(dir, 'out-second', 'web.qcow2'), join(dir, 'out-second', 'sbom.cdx.json')], { env });
    expect(files.code).toBe(0);
    expect(files.stdout).toMatch(/^(\d+) → \1 packages: 0 added, 0 removed, 0 changed\n$/);
    const bad = await runBake(['diff', 'nothing-here', runIds[1]], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`Error: nothing-here: not an SBOM, manifest, run record, image file, run id in ${env.BAKE_RUNS_DIR}, or image id a run record lists\n`);
  });

  it('bake verify: the signed provenance names the image file; a bad -sign-key stops before any build', async () => {
    const prov = join(dir, 'out-second', 'provenance.intoto.jsonl');
    const image = join(dir, 'out-second', 'web.qcow2');
    const ok = await runBake(['verify', prov, '-key', pub, image], { env });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^${prov}: verified: signed by ${pub}; subject web.qcow2 is ${image} \\(sha256 [0-9a-f]{16}…\\); build web of run ${runIds[1]} from .*second\\.json`));
    // The same statement as a Sigstore bundle, checked by @sigstore/verify with the same key.
    const bundle = join(dir, 'out-second', 'provenance.sigstore.json');
    const viaBundle = await runBake(['verify', bundle, '-key', pub, image], { env });
    expect(viaBundle.stderr).toBe('');
    expect(viaBundle.stdout).toMatch(new RegExp(`^${bundle}: verified: signed by ${pub}; subject web.qcow2 is ${image} `));
    const manifest = JSON.parse(readFileSync(join(dir, 'out-second', 'manifest.json'), 'utf8'));
    expect(manifest.builds[0].files.map((f: { name: string }) => f.name)).toEqual([image, join(dir, 'out-second', 'sbom.cdx.json'), prov, bundle]);
    // The source image: bake's base image, by its sha256 (kept beside it, so hashed once, not per build).
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(prov, 'utf8')).payload, 'base64').toString());
    const source = statement.predicate.buildDefinition.resolvedDependencies[1];
    expect(source).toEqual({ name: 'source-image', uri: expect.stringMatching(/^file:\/\/\/.*\/debian-12-bake-[0-9a-f]{16}\.qcow2$/), digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(execFileSync('sha256sum', [source.uri.slice('file://'.length)], { encoding: 'utf8' }).split(' ')[0]).toBe(source.digest.sha256);
    const wrong = await runBake(['verify', prov, '-key', pub, join(dir, 'out-first', 'web.qcow2')], { env });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^Error: .*provenance\.intoto\.jsonl: the subject does not match: .*out-first\/web\.qcow2 \(sha256 [0-9a-f]{16}…\) is none of web\.qcow2, sbom\.cdx\.json|^Error: .*is none of web\.qcow2\n$/);

    const badKey = join(dir, 'bad.pem');
    writeFileSync(badKey, 'not a key');
    const bad = await runBake(['build', '-sign-key', badKey, template('third', [])], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`Error: ${badKey}: -sign-key: not a PEM or OpenSSH private key\n`);
    expect(existsSync(join(dir, 'out-third'))).toBe(false);
  });

  it('"sbom": false leaves the SBOM out; a build with no communicator gets an SBOM with a note', async () => {
    const nullTemplate = (name: string, sbom: unknown) => {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify({ builders: [{ type: 'null', name, communicator: 'none', ...(sbom === undefined ? {} : { sbom }) }] }));
      return file;
    };
    const runs = join(dir, 'runs-null');
    const on = await runBake(['build', nullTemplate('on', undefined)], { env: { ...env, BAKE_RUNS_DIR: runs } });
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('SBOM: the build has no communicator ("communicator": "none"): the image\'s software is not listed');
    const off = await runBake(['build', nullTemplate('off', false)], { env: { ...env, BAKE_RUNS_DIR: runs } });
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('SBOM:');
    const kept = readdirSync(runs, { recursive: true }).map(String).filter((f) => f.endsWith('sbom.cdx.json'));
    expect(kept).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]+\/on\/sbom\.cdx\.json$/)]);
    const bad = await runBake(['validate', nullTemplate('bad', 'yes')], { env });
    expect(bad.stderr).toContain('builders[0].sbom: must be true, false or "required"');
  });
});
