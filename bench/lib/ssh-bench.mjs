// What the SSH benchmarks share: bake's SSH communicator connected to the loopback test sshd, and a
// stopwatch in seconds.
import { connectSsh, resolveSshConfig } from '../../dist/communicator/index.js';
import { EventBus } from '../../dist/core/events.js';

export function connectToSshd(sshd) {
  const options = resolveSshConfig(
    { ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '30s' },
    { host: sshd.host, port: sshd.port, username: sshd.username },
    { file: 'bench', path: 'builders[0]', templateDir: process.cwd() },
  );
  return connectSsh(options, { log: new EventBus().logger('bench'), signal: new AbortController().signal });
}

export async function seconds(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
