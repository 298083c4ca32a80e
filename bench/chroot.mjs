// bake's chroot builder against building the same image by booting it: Packer 1.6.6's qemu builder
// (when `packer` is installed) and bake's own qemu builder, on the same provisioning from the same
// base image: a shell step writing 50 small files with sudo, a 50 MiB upload, a second shell step.
// Best of two runs each, interleaved. Prints the wall times, the ratios, where the chroot build spent
// its time, and the floor: copying the image in and out, which no build can avoid.
// Run: npm run build && sudo node bench/chroot.mjs   (needs root, QEMU; several minutes)
//      --chroot-only: only the chroot builds (a minute), e.g. to compare a change against a full run's figures.
//      --no-sbom: the chroot builds with "sbom": false (the provenance stays), to compare the build itself with a tree from before the SBOM.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { best, prepareWorkspace, provisioners as benchProvisioners, qemuBuilder, timed } from './lib/image-bench.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.getuid?.() !== 0) {
  console.error('chroot bench: the chroot builder needs root; nothing measured');
  process.exit(1);
}
const chrootOnly = process.argv.includes('--chroot-only');
const sbom = process.argv.includes('--no-sbom') ? { sbom: false } : {};
const havePacker = !chrootOnly && spawnSync('packer', ['version']).status === 0;
if (!havePacker && !chrootOnly) console.error('chroot bench: packer not found (apt-get install packer): measuring against bake\'s qemu builder only');

const ws = await prepareWorkspace('bake-bench-chroot-');
const { base, dir } = ws;
const provisioners = benchProvisioners(dir);
const builders = {
  chroot: (out) => ({ type: 'chroot', iso_url: base, iso_checksum: 'none', format: 'qcow2', vm_name: 'bench.qcow2', output_directory: out, ...sbom }),
  qemu: (out) => qemuBuilder(ws, out, { accelerator: 'tcg' }),
};

async function run(tool, n) {
  const out = join(dir, `out-${tool}-${n}`);
  const file = join(dir, `${tool}-${n}.json`);
  const builder = tool === 'bake-chroot' ? builders.chroot(out) : builders.qemu(out);
  writeFileSync(file, JSON.stringify({ builders: [builder], provisioners }, null, 2));
  rmSync(out, { recursive: true, force: true });
  const result = tool === 'packer-qemu' ? await timed('packer', ['build', file], dir) : await timed(process.execPath, [join(root, 'bin/bake.js'), 'build', file], dir);
  rmSync(out, { recursive: true, force: true });
  console.log(`${tool} run ${n}: ${(result.ms / 1000).toFixed(1)} s`);
  return result;
}

/** The floor: converting the base image to raw and the raw disk back to qcow2, with nothing in between. */
async function floor() {
  const raw = join(dir, 'floor.raw');
  const start = performance.now();
  await timed('qemu-img', ['convert', '-O', 'raw', '-S', '64k', base, raw], dir);
  await timed('qemu-img', ['convert', '-m', '8', '-W', '-f', 'raw', '-O', 'qcow2', raw, join(dir, 'floor.qcow2')], dir);
  const ms = performance.now() - start;
  rmSync(raw, { force: true });
  rmSync(join(dir, 'floor.qcow2'), { force: true });
  return ms;
}

const tools = chrootOnly ? ['bake-chroot'] : ['bake-chroot', 'bake-qemu', ...(havePacker ? ['packer-qemu'] : [])];
const results = Object.fromEntries(tools.map((t) => [t, []]));
const floors = [];
for (const n of [1, 2]) {
  for (const t of tools) results[t].push(await run(t, n));
  floors.push(await floor());
}
rmSync(dir, { recursive: true, force: true });

const chroot = best(results['bake-chroot']);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log('');
for (const t of tools) console.log(`${t.padEnd(12)} best of 2: ${s(best(results[t]).ms)}`);
if (havePacker) console.log(`ratio bake chroot / Packer qemu: ${(chroot.ms / best(results['packer-qemu']).ms).toFixed(3)}x (target <= 0.15x)`);
if (!chrootOnly) console.log(`ratio bake chroot / bake qemu:   ${(chroot.ms / best(results['bake-qemu']).ms).toFixed(3)}x`);

console.log('\nwhere the best chroot run spent its time:');
const phase = (name) => Number(chroot.lines.map((l) => new RegExp(`phase ${name}: ([\\d.]+)s`).exec(l.line)).find(Boolean)?.[1] ?? NaN);
const provStarts = chroot.lines.filter((l) => /Provisioning with (shell|file)\.\.\./.test(l.line)).map((l) => l.at);
const provEnd = chroot.lines.find((l) => /phase unmount:/.test(l.line))?.at ?? NaN;
const rows = [
  ['convert-in', phase('convert-in') * 1000],
  ['mount', phase('mount') * 1000],
  ...provStarts.map((at, i) => [`provisioner ${i + 1} (${provisioners[i].type})`, (provStarts[i + 1] ?? provEnd - phase('unmount') * 1000) - at]),
  ['unmount', phase('unmount') * 1000],
  ['convert-out', phase('convert-out') * 1000],
];
for (const [name, ms] of rows) console.log(`  ${name.padEnd(30)} ${(ms / 1000).toFixed(2).padStart(6)} s`);
const accounted = rows.reduce((sum, [, ms]) => sum + ms, 0);
console.log(`  ${'bake start-up, source, journal'.padEnd(30)} ${((chroot.ms - accounted) / 1000).toFixed(2).padStart(6)} s`);
const min = Math.min(...floors);
console.log(`\nfloor (qemu-img convert in + out, nothing else): ${s(min)}; the chroot build took ${(chroot.ms / min).toFixed(2)}x the floor`);
