// SFTP upload throughput: bake's SSH communicator vs OpenSSH scp, same sshd, same key, same file.
// Run after `npm run build`: node bench/sftp-upload.mjs [MiB]
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';
import { connectToSshd, seconds as timed } from './lib/ssh-bench.mjs';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 256);
const ROUNDS = 5;

const sshd = await startSshd();
const src = join(sshd.dir, 'payload.bin');
const fd = openSync(src, 'w');
for (let i = 0; i < sizeMiB; i++) writeSync(fd, randomBytes(MIB));
closeSync(fd);

const comm = await connectToSshd(sshd);

const bakeTimes = [];
const scpTimes = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const dest = join(sshd.dir, 'dest.bin');
    bakeTimes.push(await timed(() => comm.upload(src, dest)));
    rmSync(dest, { force: true });
    scpTimes.push(
      await timed(async () =>
        execFileSync('scp', ['-q', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-i', sshd.privateKeyPath, '-P', String(sshd.port), src, `root@127.0.0.1:${dest}`]),
      ),
    );
    rmSync(dest, { force: true });
  }
} finally {
  await comm.close();
  await sshd.stop();
}

const best = (times) => Math.min(...times);
const bake = sizeMiB / best(bakeTimes);
const scp = sizeMiB / best(scpTimes);
console.log(`sftp-upload: ${sizeMiB} MiB to a local sshd, best of ${ROUNDS}`);
console.log(`  bake: ${bake.toFixed(1)} MiB/s  (${bakeTimes.map((t) => t.toFixed(2)).join('s, ')}s)`);
console.log(`  scp:  ${scp.toFixed(1)} MiB/s  (${scpTimes.map((t) => t.toFixed(2)).join('s, ')}s)`);
console.log(`  ratio bake/scp throughput: ${(bake / scp).toFixed(2)}x (target >= 0.8x)`);
