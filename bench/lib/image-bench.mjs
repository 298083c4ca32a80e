// What bench/qemu-vs-packer.mjs and bench/chroot.mjs share: the same base image, the same
// provisioning (a shell step writing 50 small files with sudo, a 50 MiB upload, a second shell
// step), the same qemu builder settings, and a timer that stamps every output line so phases can
// be read off the logs afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEd25519KeyPair } from '../../dist/communicator/keys.js';
import { EventBus } from '../../dist/core/events.js';
import { ensureBaseImage } from '../../dist/local-image/index.js';

/** The cached base image (built on first use), and a work folder with a key, a cloud-init seed and the 50 MiB file. */
export async function prepareWorkspace(prefix) {
  const bus = new EventBus();
  bus.on((e) => e.level !== 'debug' && console.error(`base image: ${e.text}`));
  const base = await ensureBaseImage(bus.logger('bench'), AbortSignal.timeout(30 * 60_000));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const key = generateEd25519KeyPair('bench');
  writeFileSync(join(dir, 'key'), key.privateKey, { mode: 0o600 });
  writeFileSync(
    join(dir, 'user-data'),
    `#cloud-config\nusers:\n  - name: debian\n    sudo: "ALL=(ALL) NOPASSWD:ALL"\n    shell: /bin/bash\n    ssh_authorized_keys: ["${key.publicKey}"]\n`,
  );
  writeFileSync(join(dir, 'meta-data'), 'instance-id: bench\nlocal-hostname: bench\n');
  writeFileSync(join(dir, 'big.bin'), randomBytes(50 * 1024 * 1024));
  return { base, dir };
}

export function provisioners(dir) {
  return [
    { type: 'shell', inline: ['sudo mkdir -p /opt/bench', 'for i in $(seq 1 50); do echo "file $i" | sudo tee /opt/bench/f$i >/dev/null; done'] },
    { type: 'file', source: join(dir, 'big.bin'), destination: '/tmp/big.bin' },
    { type: 'shell', inline: ['sha256sum /tmp/big.bin', 'ls /opt/bench | wc -l'] },
  ];
}

/** The qemu builder both benchmarks boot: the base image as the disk, cloud-init seeded from a CD. */
export function qemuBuilder({ base, dir }, out, extra = {}) {
  return {
    type: 'qemu',
    iso_url: base,
    iso_checksum: 'none',
    disk_image: true,
    format: 'qcow2',
    headless: true,
    // Given to both tools: left to their defaults, bake would run 2 vCPUs and Packer 1.
    cpus: 2,
    memory: 1024,
    output_directory: out,
    vm_name: 'bench.qcow2',
    ssh_username: 'debian',
    ssh_private_key_file: join(dir, 'key'),
    ssh_timeout: '15m',
    cd_files: [join(dir, 'user-data'), join(dir, 'meta-data')],
    cd_label: 'cidata',
    shutdown_command: 'sudo shutdown -P now',
    ...extra,
  };
}

/** Runs a command in `cwd`, timestamping each output line, so phases can be read off the log. */
export function timed(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const lines = [];
    // bake's journal and run records stay in the bench's folder, never the user's ~/.cache/bake (the
    // cached base images there are read, not written); Packer ignores these.
    const env = { ...process.env, NO_COLOR: '1', BAKE_JOURNAL: join(cwd, 'journal.jsonl'), BAKE_RUNS_DIR: join(cwd, 'runs') };
    const child = spawn(cmd, args, { cwd, env });
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

export const best = (rs) => rs.reduce((a, b) => (b.ms < a.ms ? b : a));
