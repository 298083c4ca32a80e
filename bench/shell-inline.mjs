// One shell provisioner with 200 one-line inline commands:
//  1. bake's shell provisioner over its one SSH connection vs OpenSSH `ssh` through a ControlMaster
//     connection running the same commands one by one (the yardstick);
//  2. the whole `bake build` vs Packer 1.6.6's `packer build` of the same null-builder template.
// Run after `npm run build`: node bench/shell-inline.mjs [count]
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { connectSsh, resolveSshConfig } from '../dist/communicator/index.js';
import { EventBus } from '../dist/core/events.js';
import { plugin as shell } from '../dist/provisioners/shell/index.js';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';

const run = promisify(execFile);
const count = Number(process.argv[2] ?? 200);
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'bake-bench-shell-'));
const lines = Array.from({ length: count }, (_, i) => `echo line-${i} > /dev/null`);
const sshd = await startSshd();

const controlPath = join(sshd.dir, 'cm.sock');
const sshArgs = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes',
  '-i', sshd.privateKeyPath, '-p', String(sshd.port), '-o', `ControlPath=${controlPath}`];
const master = spawn('ssh', [...sshArgs, '-o', 'ControlMaster=yes', '-N', 'root@127.0.0.1'], { stdio: 'ignore' });
for (let i = 0; i < 100 && !existsSync(controlPath); i++) await new Promise((r) => setTimeout(r, 100));

const bus = new EventBus();
const log = bus.logger('bench');
const comm = await connectSsh(
  resolveSshConfig({ ssh_private_key_file: sshd.privateKeyPath }, { host: sshd.host, port: sshd.port, username: sshd.username }, { file: 'bench', path: 'builders[0]', templateDir: root }),
  { log, signal: new AbortController().signal },
);
const provisioner = shell.create({ inline: lines }, { file: 'bench', path: 'provisioners[0]', templateDir: root });
const ctx = { buildName: 'bench', buildType: 'null', log, signal: new AbortController().signal, templateDir: root, vars: {} };

async function time(fn) {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const best = (xs) => Math.min(...xs);
const ROUNDS = 3;
const bakeMs = [];
const sshMs = [];
for (let r = 0; r < ROUNDS; r++) {
  bakeMs.push(await time(() => provisioner.run(ctx, comm)));
  // One round of the reference is enough: it is two orders of magnitude slower.
  if (r === 0) {
    sshMs.push(await time(async () => {
      for (const l of lines) await run('ssh', [...sshArgs, 'root@127.0.0.1', l]);
    }));
  }
}
await comm.close();
master.kill();
console.log(`${count} inline commands, best of ${ROUNDS}:`);
console.log(`  bake shell provisioner (one script, one connection): ${best(bakeMs).toFixed(0)} ms`);
console.log(`  ssh with ControlMaster, one command each (1 round): ${best(sshMs).toFixed(0)} ms`);
console.log(`  ratio bake/ssh: ${(best(bakeMs) / best(sshMs)).toFixed(3)}x (target <= 1.5x)`);

const template = join(work, 't.json');
writeFileSync(template, JSON.stringify({
  builders: [{ type: 'null', ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath }],
  provisioners: [{ type: 'shell', inline: lines }],
}));
const hasPacker = spawnSync('packer', ['version']).status === 0;
const cli = (cmd, args) => time(async () => {
  const r = spawnSync(cmd, args, { cwd: work, env: { ...process.env, CHECKPOINT_DISABLE: '1', NO_COLOR: '1', BAKE_JOURNAL: join(work, 'journal.jsonl'), BAKE_RUNS_DIR: join(work, 'runs') } });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stdout}${r.stderr}`);
});
const bakeCli = [];
const packerCli = [];
for (let r = 0; r < ROUNDS; r++) {
  bakeCli.push(await cli(process.execPath, [join(root, 'bin/bake.js'), 'build', template]));
  if (hasPacker) packerCli.push(await cli('packer', ['build', template]));
}
console.log(`whole build of the same null template, best of ${ROUNDS}:`);
console.log(`  bake build:   ${best(bakeCli).toFixed(0)} ms`);
if (hasPacker) {
  console.log(`  packer build: ${best(packerCli).toFixed(0)} ms (Packer 1.6.6)`);
  console.log(`  ratio bake/packer: ${(best(bakeCli) / best(packerCli)).toFixed(3)}x`);
} else console.log('  packer not installed: no Packer comparison');
await sshd.stop();
