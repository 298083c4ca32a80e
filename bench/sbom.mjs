// What the SBOM and the provenance cost a build: the chroot example
// (templates/examples/local-debian-chroot.json) built twice, with "sbom": true and "sbom": false,
// best of two each. Prints the SBOM step's own time (collecting dpkg's database in the chroot and
// writing CycloneDX), the provenance step's (hashing the image for its subject, writing the SBOM
// and the statement), the example's checksum post-processor (whose sha256 reuses the provenance's),
// and the wall time of both builds. Target: SBOM + provenance under 2 s.
// Run: npm run build && sudo flock /tmp/bake-vm.lock node bench/sbom.mjs (needs root).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.getuid?.() !== 0) {
  console.error('sbom bench: the chroot builder needs root; nothing measured');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'bake-bench-sbom-'));
const example = JSON.parse(readFileSync(join(root, 'templates/examples/local-debian-chroot.json'), 'utf8'));
const spans = (runs) => {
  const record = readdirSync(runs).find((n) => n.endsWith('.jsonl'));
  const out = {};
  for (const line of readFileSync(join(runs, record), 'utf8').split('\n').filter(Boolean)) {
    const span = JSON.parse(line).data?.span;
    if (span?.phase === 'end') out[span.name] = span.ms;
  }
  return out;
};

function run(sbom, n) {
  const out = join(dir, `out-${sbom}-${n}`);
  const runs = join(dir, `runs-${sbom}-${n}`);
  const template = join(dir, `t-${sbom}-${n}.json`);
  const provisioners = example.provisioners.map((p) => JSON.parse(JSON.stringify(p).replaceAll('{{template_dir}}', join(root, 'templates/examples'))));
  // The example as it is, post-processors (checksum, manifest) included, into this run's folder.
  writeFileSync(template, JSON.stringify({ ...example, variables: { output_directory: out }, builders: [{ ...example.builders[0], sbom }], provisioners }));
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(root, 'bin/bake.js'), 'build', template], { env: { ...process.env, BAKE_RUNS_DIR: runs, BAKE_JOURNAL: join(dir, 'journal.jsonl') }, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
  const s = spans(runs);
  rmSync(out, { recursive: true, force: true });
  const checksum = Object.entries(s).find(([name]) => name.startsWith('checksum ('))?.[1] ?? 0;
  return { ms, sbom: s.sbom ?? 0, provenance: s['sbom and provenance'] ?? 0, checksum };
}

const results = { on: [], off: [] };
for (const n of [1, 2]) {
  results.on.push(run(true, n));
  results.off.push(run(false, n));
}
rmSync(dir, { recursive: true, force: true });
const best = (list, key) => Math.min(...list.map((r) => r[key]));
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const total = Math.min(...results.on.map((r) => r.sbom + r.provenance));
console.log(`SBOM step (list dpkg's packages in the chroot, write CycloneDX): ${s(best(results.on, 'sbom'))}`);
console.log(`provenance step (hash the image for its subject, write the SBOM and statement): ${s(best(results.on, 'provenance'))}`);
console.log(`SBOM + provenance: ${s(total)} (target < 2 s)`);
console.log(`checksum post-processor (sha256 of the image): ${s(best(results.on, 'checksum'))} after the provenance, ${s(best(results.off, 'checksum'))} with "sbom": false`);
console.log(`whole build: ${s(best(results.on, 'ms'))} with the SBOM, ${s(best(results.off, 'ms'))} with "sbom": false`);
if (total >= 2000) process.exitCode = 1;
