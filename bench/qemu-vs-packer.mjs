// bake vs Packer 1.6.6's qemu builder on the same JSON template, from the same base image:
// a shell step writing 50 small files with sudo, a 50 MiB upload, a second shell step; both tools
// get the same cpus (2) and memory (1024 MiB) from the template.
// N runs each (default 3), interleaved; prints every wall time, the ratio of the best runs and of the
// medians, and each tool's phases in its best run. Both statistics, because the noise is not only
// the machine's: Packer 1.6.6 tries SSH every 5 s, so its boot-to-SSH time jumps by up to 5 s from
// run to run, and a best-of-N keeps its luckiest run.
// Run: npm run build && node bench/qemu-vs-packer.mjs [runs]   (needs root, QEMU, packer; ~2.5 min a pair)
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { best, prepareWorkspace, provisioners, qemuBuilder, timed } from './lib/image-bench.mjs';

const RUNS = Number(process.argv[2] ?? 3);

const root = fileURLToPath(new URL('..', import.meta.url));
if (spawnSync('packer', ['version']).status !== 0) {
  console.error('qemu-vs-packer: packer not found (apt-get install packer); nothing measured');
  process.exit(1);
}

const ws = await prepareWorkspace('bake-bench-qemu-');
const { dir } = ws;

// bake decides the accelerator (KVM where it runs guests, else TCG); Packer is given the one bake
// used in its previous run, so both run under the same one on every host.
let accelerator;
const template = (out, tool) => ({
  builders: [qemuBuilder(ws, out, tool === 'packer' ? { accelerator } : {})],
  provisioners: provisioners(dir),
});

async function run(tool, n) {
  const out = join(dir, `out-${tool}-${n}`);
  const file = join(dir, `${tool}-${n}.json`);
  writeFileSync(file, JSON.stringify(template(out, tool), null, 2));
  rmSync(out, { recursive: true, force: true });
  const load = loadavg()[0].toFixed(1);
  const result = tool === 'bake' ? await timed(process.execPath, [join(root, 'bin/bake.js'), 'build', file], dir) : await timed('packer', ['build', file], dir);
  rmSync(out, { recursive: true, force: true });
  if (tool === 'bake') accelerator = result.lines.map((l) => /Starting QEMU \((\w+),/.exec(l.line)?.[1]).filter(Boolean).pop();
  // Both tools' guests run on the host's cores: a run beside other work is slower whoever runs it.
  console.log(`${tool} run ${n}: ${(result.ms / 1000).toFixed(1)} s (${accelerator}; load average ${load} before, ${loadavg()[0].toFixed(1)} after)`);
  return result;
}

// Log lines that start each phase, in bake's and Packer 1.6.6's wording.
const PHASES = [
  ['boot to SSH', /Starting QEMU|Starting VM, booting/],
  ['SSH connected', /Connected to SSH/],
  ['provisioner 1 (shell)', /Provisioning with shell/],
  ['provisioner 2 (file, 50 MiB)', /Provisioning with file|Uploading .*big\.bin/],
  ['provisioner 3 (shell)', /Provisioning with shell/],
  ['shutdown', /Gracefully halting|Powering off/],
  ['conversion', /Converting/],
  ['finish', /Guest powered off|Build '.*' finished/],
];

/** Marks in log order: each phase starts at the first matching line after the previous mark. */
function phases(lines) {
  const marks = [];
  let from = 0;
  for (const [name, re] of PHASES) {
    const i = lines.findIndex((l, k) => k >= from && re.test(l.line));
    if (i < 0) continue;
    marks.push({ name, at: lines[i].at });
    from = i + 1;
  }
  return marks;
}

const results = { bake: [], packer: [] };
for (let n = 1; n <= RUNS; n++) {
  results.bake.push(await run('bake', n));
  results.packer.push(await run('packer', n));
}
rmSync(dir, { recursive: true, force: true });

const bake = best(results.bake);
const packer = best(results.packer);
const median = (rs) => [...rs].sort((a, b) => a.ms - b.ms)[Math.floor(rs.length / 2)].ms;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(`\nbake   best of ${RUNS}: ${s(bake.ms)}, median ${s(median(results.bake))} (${results.bake.map((r) => s(r.ms)).join(', ')})`);
console.log(`packer best of ${RUNS}: ${s(packer.ms)}, median ${s(median(results.packer))} (${results.packer.map((r) => s(r.ms)).join(', ')})`);
console.log(`ratio bake/packer: best ${(bake.ms / packer.ms).toFixed(3)}x, median ${(median(results.bake) / median(results.packer)).toFixed(3)}x (target <= 0.92x)`);
for (const [tool, r] of [['bake', bake], ['packer', packer]]) {
  console.log(`\nwhere ${tool}'s best run spent its time:`);
  let prev = { name: 'preparation', at: 0 };
  for (const m of [...phases(r.lines), { name: 'end', at: r.ms }]) {
    console.log(`  ${prev.name.padEnd(30)} ${((m.at - prev.at) / 1000).toFixed(1).padStart(6)} s`);
    prev = m;
  }
}
