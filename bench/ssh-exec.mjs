// 200 one-line commands one after another: bake's one SSH connection vs OpenSSH `ssh` reusing a
// ControlMaster connection. Run after `npm run build`: node bench/ssh-exec.mjs [count]
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';
import { connectToSshd, seconds as timed } from './lib/ssh-bench.mjs';

const run = promisify(execFile);
const count = Number(process.argv[2] ?? 200);
const sshd = await startSshd();
const controlPath = join(sshd.dir, 'cm.sock');
const sshArgs = [
  '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes',
  '-i', sshd.privateKeyPath, '-p', String(sshd.port), '-o', `ControlPath=${controlPath}`,
];
const master = spawn('ssh', [...sshArgs, '-o', 'ControlMaster=yes', '-N', 'root@127.0.0.1'], { stdio: 'ignore' });
for (let i = 0; i < 100 && !existsSync(controlPath); i++) await new Promise((r) => setTimeout(r, 100));

const comm = await connectToSshd(sshd);

let bake;
let ssh;
try {
  bake = await timed(async () => {
    for (let i = 0; i < count; i++) {
      const r = await comm.exec(`echo line ${i}`, { stdout: () => {} });
      if (r.exitCode !== 0) throw new Error(`bake: command ${i} exited with ${r.exitCode}`);
    }
  });
  ssh = await timed(async () => {
    for (let i = 0; i < count; i++) await run('ssh', [...sshArgs, '-o', 'ControlMaster=no', 'root@127.0.0.1', `echo line ${i}`]);
  });
} finally {
  await comm.close();
  master.kill();
  await sshd.stop();
}

console.log(`ssh-exec: ${count} one-line commands, one after another`);
console.log(`  bake (one connection):  ${bake.toFixed(2)}s  (${((bake / count) * 1000).toFixed(1)} ms/command)`);
console.log(`  ssh (ControlMaster):    ${ssh.toFixed(2)}s  (${((ssh / count) * 1000).toFixed(1)} ms/command)`);
console.log(`  ratio bake/ssh time: ${(bake / ssh).toFixed(2)}x (target <= 1.5x)`);
