// Starts a real OpenSSH sshd on 127.0.0.1 for tests and benchmarks. Plain ESM JavaScript so that
// bench/*.mjs can import it without a build; test/helpers/sshd.ts gives it types.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.mjs';

export const PASSWORD_USER = 'bake-test';
const PASSWORD_FILE = '/var/lib/bake-test/password';


function keygen(path, comment) {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

/**
 * A dedicated local user for password tests, so no real user's password is ever touched. The
 * password is random, made once per machine, and kept root-only; `wx` makes concurrent starts agree.
 */
export function ensurePasswordUser() {
  mkdirSync('/var/lib/bake-test', { recursive: true, mode: 0o700 });
  try {
    writeFileSync(PASSWORD_FILE, `bt-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
  }
  const password = readFileSync(PASSWORD_FILE, 'utf8').trim();
  try {
    execFileSync('id', [PASSWORD_USER], { stdio: 'ignore' });
  } catch {
    try {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', PASSWORD_USER], { stdio: 'pipe' });
    } catch (err) {
      // exit 9: another process created it meanwhile
      if (err.status !== 9) throw err;
    }
  }
  execFileSync('chpasswd', { input: `${PASSWORD_USER}:${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  return { username: PASSWORD_USER, password };
}

function writeConfig(dir, port, options) {
  const lines = [
    // sshd takes the first value it reads of a keyword, so a test's own settings (MaxSessions 1, …)
    // come first and win over the defaults below. None of them is a Match block, which would have
    // to come last.
    ...(options.extraConfig ?? []),
    `ListenAddress 127.0.0.1`,
    `Port ${port}`,
    `HostKey ${join(dir, 'host_ed25519')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    // keyboard-interactive needs PAM (sshd's own kbd-interactive is BSD auth only).
    `UsePAM ${options.keyboardInteractive ? 'yes' : 'no'}`,
    'PermitRootLogin yes',
    `PasswordAuthentication ${options.password && !options.keyboardInteractive ? 'yes' : 'no'}`,
    `KbdInteractiveAuthentication ${options.keyboardInteractive ? 'yes' : 'no'}`,
    'AllowTcpForwarding yes',
    'MaxStartups 200',
    'MaxSessions 200',
    'Subsystem sftp internal-sftp',
    // Debian's bash sources ~/.bashrc for commands run by sshd unless SHLVL says it is nested. On
    // these machines root's .bashrc runs `pyenv init` (~1.1 s), which would be paid by every command
    // of every test and make them time out under load; a real guest's .bashrc is not under test.
    'SetEnv SHLVL=1',
  ];
  writeFileSync(join(dir, 'sshd_config'), `${lines.join('\n')}\n`);
}

function launch(dir, port) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => fail(new Error(`sshd did not start listening within 10s: ${log.trim()}`)), 10_000);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
        clearTimeout(timer);
        resolve({ child, log: () => log });
      }
    });
    child.once('exit', (code) => fail(new Error(`sshd exited with ${code}: ${log.trim()}`)));
    child.once('error', fail);
  });
}

/** Process ids of the per-connection sshd processes forked by the listener. */
function connectionPids(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function startSshd(options = {}) {
  // sshd refuses to start without its privilege separation directory; containers often lack it.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'bake-sshd-'));
  // sshd reads authorized_keys as the logging-in user, who may not be root.
  chmodSync(dir, 0o755);
  keygen(join(dir, 'host_ed25519'), 'bake-test-host');
  keygen(join(dir, 'client_ed25519'), 'bake-test-client');
  const privateKeyPath = join(dir, 'client_ed25519');
  const publicKey = readFileSync(`${privateKeyPath}.pub`, 'utf8').trim();
  writeFileSync(join(dir, 'authorized_keys'), `${[publicKey, ...(options.authorizedKeys ?? [])].join('\n')}\n`, { mode: 0o644 });
  const passwordLogin = options.password || options.keyboardInteractive ? ensurePasswordUser() : undefined;

  let port = 0;
  let server;
  for (let attempt = 1; !server; attempt++) {
    port = options.port ?? (await freePort());
    writeConfig(dir, port, options);
    try {
      server = await launch(dir, port);
    } catch (err) {
      if (attempt >= 5 || options.port || !/Address already in use/.test(String(err.message))) throw err;
    }
  }
  let stopped = false;
  const killListener = () =>
    new Promise((resolve) => {
      if (server.child.exitCode !== null || server.child.signalCode !== null) return resolve();
      server.child.removeAllListeners('exit');
      server.child.once('exit', () => resolve());
      for (const pid of connectionPids(server.child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      server.child.kill('SIGTERM');
    });

  return {
    host: '127.0.0.1',
    port,
    username: 'root',
    privateKeyPath,
    privateKey: readFileSync(privateKeyPath, 'utf8'),
    publicKey,
    hostPublicKey: readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').trim(),
    dir,
    passwordLogin,
    log: () => server.log(),
    /** Kills every open connection's sshd process; the listener keeps accepting new ones. */
    dropConnections() {
      for (const pid of connectionPids(server.child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
    /** Stops the listener and starts it again on the same port, as a guest's sshd restart would. */
    async restart(downForMs = 0) {
      await killListener();
      if (downForMs) await new Promise((r) => setTimeout(r, downForMs));
      server = await launch(dir, port);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await killListener();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
