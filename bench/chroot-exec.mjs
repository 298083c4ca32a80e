// What one command costs in the chroot builder's sandbox: `true` run N times (default 100) through
// bake's chroot communicator (the sandbox's resident launcher), against the chains a command went
// through before: the per-command sandbox of issue #20's first version (nsenter, setpriv twice, then
// bwrap building the sandbox's mounts for each command) and plain `nsenter … chroot` from before the
// sandbox; and a bare spawn of /bin/true from Node as the floor. Rounds are interleaved.
// Run: npm run build && sudo node bench/chroot-exec.mjs [count]   (needs root and bwrap)
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boundingArgs, dropArgs } from '../dist/chroot-sandbox/capabilities.js';
import { Sandbox, seccompProgram } from '../dist/chroot-sandbox/index.js';
import { ChrootCommunicator, ChrootNamespace } from '../dist/communicator/index.js';

if (process.getuid?.() !== 0) {
  console.error('chroot-exec bench: the sandbox needs root; nothing measured');
  process.exit(1);
}
const count = Number(process.argv[2] ?? 100);
const PATH = '/usr/sbin:/usr/bin:/sbin:/bin';

// A root of the static busybox, as the tiny images of the attack tests are: the image's programs cost nothing to load.
const dir = mkdtempSync(join(tmpdir(), 'bake-bench-chroot-exec-'));
const root = join(dir, 'root');
for (const d of ['bin', 'proc', 'sys', 'dev', 'tmp']) mkdirSync(join(root, d), { recursive: true });
copyFileSync('/bin/busybox', join(root, 'bin', 'busybox'));
for (const a of ['sh', 'true']) symlinkSync('busybox', join(root, 'bin', a));
mkdirSync(join(dir, 'state'));

const ns = await ChrootNamespace.start('bake-bench-chroot-exec');
const sandbox = await Sandbox.start({ holder: ns, root, stateDir: join(dir, 'state') });
const comm = new ChrootCommunicator(sandbox, { log: { output() {} }, transfers: undefined });
const seccomp = seccompProgram();

function spawned(cmd, args, fd3) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit', fd3 ? 'pipe' : 'ignore'], env: { PATH } });
    if (fd3) child.stdio[3].end(fd3);
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}`))));
  });
}

const mounts = ['--bind', root, '/', '--proc', '/proc', '--ro-bind', '/proc/sys', '/proc/sys', '--ro-bind-try', '/proc/sysrq-trigger', '/proc/sysrq-trigger', '--dev', '/dev', '--ro-bind', join(dir, 'state', 'sys'), '/sys', '--chdir', '/'];
const ways = {
  'resident launcher (bake now)': async () => {
    const r = await comm.exec('true');
    if (r.exitCode !== 0) throw new Error(`exit ${r.exitCode}`);
  },
  'nsenter, setpriv x2, bwrap per command (#20 v1)': () =>
    spawned('nsenter', [...ns.enterArgs(), ...boundingArgs(), 'bwrap', '--unshare-pid', '--seccomp', '3', ...mounts, ...dropArgs(), '--', '/bin/sh', '-c', 'true'], seccomp),
  'nsenter + chroot (before the sandbox)': () => spawned('nsenter', [...ns.enterArgs(), 'chroot', root, '/bin/sh', '-c', 'true']),
  'spawn /bin/true from Node (floor)': () => spawned('/bin/true', []),
};

const totals = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const rounds = 4;
try {
  for (const f of Object.values(ways)) await f();
  for (let round = 0; round < rounds; round++) {
    for (const [name, f] of Object.entries(ways)) {
      const start = performance.now();
      for (let i = 0; i < count / rounds; i++) await f();
      totals[name].push((performance.now() - start) / (count / rounds));
    }
  }
} finally {
  await sandbox.stop();
  await ns.stop();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = (await import('node:os')).loadavg()[0].toFixed(1);
console.log(`${count} commands each way, ${rounds} interleaved rounds, load average ${load}; ms per command (median of the rounds):`);
for (const [name, xs] of Object.entries(totals)) console.log(`  ${name.padEnd(50)} ${median(xs).toFixed(1).padStart(6)} ms`);
