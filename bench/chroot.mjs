// bake's chroot builder against building the same image by booting it: Packer 1.6.6's qemu builder
// (when `packer` is installed) and bake's own qemu builder, on the same provisioning from the same
// base image: a shell step writing 50 small files with sudo, a 50 MiB upload, a second shell step.
// Best of two runs each, interleaved. Prints the wall times, the ratios, where the chroot build spent
// its time, and the floor: copying the image in and out, which no build can avoid.
// Run: npm run build && sudo node bench/chroot.mjs   (needs root, QEMU; several minutes)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateEd25519KeyPair } from '../dist/communicator/keys.js';
import { EventBus } from '../dist/core/events.js';
import { ensureBaseImage } from '../dist/local-image/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (process.getuid?.() !== 0) {
  console.error('chroot bench: the chroot builder needs root; nothing measured');
  process.exit(1);
}
const havePacker = spawnSync('packer', ['version']).status === 0;
if (!havePacker) console.error('chroot bench: packer not found (apt-get install packer): measuring against bake\'s qemu builder only');

const bus = new EventBus();
bus.on((e) => e.level !== 'debug' && console.error(`base image: ${e.text}`));
const base = await ensureBaseImage(bus.logger('bench'), AbortSignal.timeout(30 * 60_000));

const dir = mkdtempSync(join(tmpdir(), 'bake-bench-chroot-'));
const key = generateEd25519KeyPair('bench');
writeFileSync(join(dir, 'key'), key.privateKey, { mode: 0o600 });
writeFileSync(
  join(dir, 'user-data'),
  `#cloud-config\nusers:\n  - name: debian\n    sudo: "ALL=(ALL) NOPASSWD:ALL"\n    shell: /bin/bash\n    ssh_authorized_keys: ["${key.publicKey}"]\n`,
);
writeFileSync(join(dir, 'meta-data'), 'instance-id: bench\nlocal-hostname: bench\n');
writeFileSync(join(dir, 'big.bin'), randomBytes(50 * 1024 * 1024));

const provisioners = [
  { type: 'shell', inline: ['sudo mkdir -p /opt/bench', 'for i in $(seq 1 50); do echo "file $i" | sudo tee /opt/bench/f$i >/dev/null; done'] },
  { type: 'file', source: join(dir, 'big.bin'), destination: '/tmp/big.bin' },
  { type: 'shell', inline: ['sha256sum /tmp/big.bin', 'ls /opt/bench | wc -l'] },
];
const common = { iso_url: base, iso_checksum: 'none', format: 'qcow2', vm_name: 'bench.qcow2' };
const builders = {
  chroot: (out) => ({ type: 'chroot', ...common, output_directory: out }),
  qemu: (out) => ({
    type: 'qemu',
    ...common,
    disk_image: true,
    accelerator: 'tcg',
    headless: true,
    memory: 1024,
    output_directory: out,
    ssh_username: 'debian',
    ssh_private_key_file: join(dir, 'key'),
    ssh_timeout: '15m',
    cd_files: [join(dir, 'user-data'), join(dir, 'meta-data')],
    cd_label: 'cidata',
    shutdown_command: 'sudo shutdown -P now',
  }),
};

function timed(cmd, args) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const lines = [];
    const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    const collect = (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push({ at: performance.now() - start, line });
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - start;
      if (code !== 0) reject(new Error(`${cmd} exited with ${code}:\n${lines.slice(-15).map((l) => l.line).join('\n')}`));
      else resolve({ ms, lines });
    });
  });
}

async function run(tool, n) {
  const out = join(dir, `out-${tool}-${n}`);
  const file = join(dir, `${tool}-${n}.json`);
  const builder = tool === 'bake-chroot' ? builders.chroot(out) : builders.qemu(out);
  writeFileSync(file, JSON.stringify({ builders: [builder], provisioners }, null, 2));
  rmSync(out, { recursive: true, force: true });
  const result = tool === 'packer-qemu' ? await timed('packer', ['build', file]) : await timed(process.execPath, [join(root, 'bin/bake.js'), 'build', file]);
  rmSync(out, { recursive: true, force: true });
  console.log(`${tool} run ${n}: ${(result.ms / 1000).toFixed(1)} s`);
  return result;
}

/** The floor: converting the base image to raw and the raw disk back to qcow2, with nothing in between. */
async function floor() {
  const raw = join(dir, 'floor.raw');
  const start = performance.now();
  await timed('qemu-img', ['convert', '-O', 'raw', '-S', '64k', base, raw]);
  await timed('qemu-img', ['convert', '-m', '8', '-W', '-f', 'raw', '-O', 'qcow2', raw, join(dir, 'floor.qcow2')]);
  const ms = performance.now() - start;
  rmSync(raw, { force: true });
  rmSync(join(dir, 'floor.qcow2'), { force: true });
  return ms;
}

const tools = ['bake-chroot', 'bake-qemu', ...(havePacker ? ['packer-qemu'] : [])];
const results = Object.fromEntries(tools.map((t) => [t, []]));
const floors = [];
for (const n of [1, 2]) {
  for (const t of tools) results[t].push(await run(t, n));
  floors.push(await floor());
}
rmSync(dir, { recursive: true, force: true });

const best = (rs) => rs.reduce((a, b) => (b.ms < a.ms ? b : a));
const chroot = best(results['bake-chroot']);
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log('');
for (const t of tools) console.log(`${t.padEnd(12)} best of 2: ${s(best(results[t]).ms)}`);
if (havePacker) console.log(`ratio bake chroot / Packer qemu: ${(chroot.ms / best(results['packer-qemu']).ms).toFixed(3)}x (target <= 0.15x)`);
console.log(`ratio bake chroot / bake qemu:   ${(chroot.ms / best(results['bake-qemu']).ms).toFixed(3)}x`);

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
