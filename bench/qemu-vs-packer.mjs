// bake vs Packer 1.6.6's qemu builder on the same JSON template, from the same base image:
// a shell step writing 50 small files with sudo, a 50 MiB upload, a second shell step.
// Best of two runs each, interleaved; prints both wall times, the ratio and bake's phases.
// Run: npm run build && node bench/qemu-vs-packer.mjs   (needs root, QEMU, packer; several minutes)
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBaseImage } from '../dist/builders/qemu/index.js';
import { generateEd25519KeyPair } from '../dist/communicator/keys.js';
import { EventBus } from '../dist/core/events.js';

const root = fileURLToPath(new URL('..', import.meta.url));
if (spawnSync('packer', ['version']).status !== 0) {
  console.error('qemu-vs-packer: packer not found (apt-get install packer); nothing measured');
  process.exit(1);
}

const bus = new EventBus();
bus.on((e) => e.level !== 'debug' && console.error(`base image: ${e.text}`));
const base = await ensureBaseImage(bus.logger('bench'), AbortSignal.timeout(30 * 60_000));

const dir = mkdtempSync(join(tmpdir(), 'bake-bench-qemu-'));
const key = generateEd25519KeyPair('bench');
writeFileSync(join(dir, 'key'), key.privateKey, { mode: 0o600 });
writeFileSync(
  join(dir, 'user-data'),
  `#cloud-config\nusers:\n  - name: debian\n    sudo: "ALL=(ALL) NOPASSWD:ALL"\n    shell: /bin/bash\n    ssh_authorized_keys: ["${key.publicKey}"]\n`,
);
writeFileSync(join(dir, 'meta-data'), 'instance-id: bench\nlocal-hostname: bench\n');
writeFileSync(join(dir, 'big.bin'), randomBytes(50 * 1024 * 1024));

// bake decides the accelerator (KVM where it runs guests, else TCG); Packer is given the one bake
// used in its previous run, so both run under the same one on every host.
let accelerator;
const template = (out, tool) => ({
  builders: [
    {
      type: 'qemu',
      iso_url: base,
      iso_checksum: 'none',
      disk_image: true,
      format: 'qcow2',
      ...(tool === 'packer' ? { accelerator } : {}),
      headless: true,
      memory: 1024,
      output_directory: out,
      vm_name: 'bench.qcow2',
      ssh_username: 'debian',
      ssh_private_key_file: join(dir, 'key'),
      ssh_timeout: '15m',
      cd_files: [join(dir, 'user-data'), join(dir, 'meta-data')],
      cd_label: 'cidata',
      shutdown_command: 'sudo shutdown -P now',
    },
  ],
  provisioners: [
    { type: 'shell', inline: ['sudo mkdir -p /opt/bench', 'for i in $(seq 1 50); do echo "file $i" | sudo tee /opt/bench/f$i >/dev/null; done'] },
    { type: 'file', source: join(dir, 'big.bin'), destination: '/tmp/big.bin' },
    { type: 'shell', inline: ['sha256sum /tmp/big.bin', 'ls /opt/bench | wc -l'] },
  ],
});

/** Runs a command, timestamping each output line, so phases can be read off the log. */
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
  writeFileSync(file, JSON.stringify(template(out, tool), null, 2));
  rmSync(out, { recursive: true, force: true });
  const result = tool === 'bake' ? await timed(process.execPath, [join(root, 'bin/bake.js'), 'build', file]) : await timed('packer', ['build', file]);
  rmSync(out, { recursive: true, force: true });
  if (tool === 'bake') accelerator = result.lines.map((l) => /Starting QEMU \((\w+),/.exec(l.line)?.[1]).filter(Boolean).pop();
  console.log(`${tool} run ${n}: ${(result.ms / 1000).toFixed(1)} s (${accelerator})`);
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
for (const n of [1, 2]) {
  results.bake.push(await run('bake', n));
  results.packer.push(await run('packer', n));
}
rmSync(dir, { recursive: true, force: true });

const best = (rs) => rs.reduce((a, b) => (b.ms < a.ms ? b : a));
const bake = best(results.bake);
const packer = best(results.packer);
console.log(`\nbake   best of 2: ${(bake.ms / 1000).toFixed(1)} s`);
console.log(`packer best of 2: ${(packer.ms / 1000).toFixed(1)} s`);
console.log(`ratio bake/packer: ${(bake.ms / packer.ms).toFixed(3)}x (target <= 0.92x)`);
for (const [tool, r] of [['bake', bake], ['packer', packer]]) {
  console.log(`\nwhere ${tool}'s best run spent its time:`);
  let prev = { name: 'preparation', at: 0 };
  for (const m of [...phases(r.lines), { name: 'end', at: r.ms }]) {
    console.log(`  ${prev.name.padEnd(30)} ${((m.at - prev.at) / 1000).toFixed(1).padStart(6)} s`);
    prev = m;
  }
}
