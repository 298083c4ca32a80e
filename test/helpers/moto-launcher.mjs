// Starts moto's standalone server (the Python AWS emulator LocalStack's EC2 is built on) on a free
// loopback port, for the moto integration test and bench/amazon-ebs-moto.mjs. Plain ESM JavaScript
// so that bench/*.mjs can import it without a build; moto-launcher.d.mts gives it types.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port.mjs';


/** The moto_server on PATH, or undefined when moto is not installed (`pip install 'moto[server]'`). */
export function motoServerPath() {
  // pyenv's shims are on PATH only in shells that ran pyenv's init (an interactive root shell here),
  // not in a CI job's plain shell: look there too.
  const shim = join(process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'shims', 'moto_server');
  const candidates = [];
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (onPath) candidates.push(onPath);
  } catch {
    // not on PATH
  }
  if (existsSync(shim)) candidates.push(shim);
  for (const path of candidates) {
    try {
      // A pyenv shim exists for every installed version's scripts; it fails when the active one lacks moto.
      execFileSync(path, ['--help'], { stdio: 'ignore', timeout: 30_000 });
      return path;
    } catch {
      // try the next
    }
  }
  return undefined;
}

/** moto's version as pip knows it ("5.2.1"), for reports; undefined when it cannot be asked. */
export function motoVersion() {
  try {
    // The python next to moto_server (a pyenv shim's own) is the one that has moto.
    const server = motoServerPath();
    const python = server && existsSync(join(dirname(server), 'python3')) ? join(dirname(server), 'python3') : 'python3';
    return execFileSync(python, ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function launch(bin, port) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const timer = setTimeout(() => fail(new Error(`moto_server did not start listening within 30s: ${log.trim()}`)), 30_000);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    const onData = (chunk) => {
      log += chunk;
      // Werkzeug prints the address once it listens.
      if (log.includes(`Running on http://127.0.0.1:${port}`)) {
        clearTimeout(timer);
        child.stdout.removeAllListeners('data');
        child.stderr.removeAllListeners('data');
        // Keep draining its request log so a full pipe never blocks the server.
        child.stdout.resume();
        child.stderr.resume();
        resolve(child);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => fail(new Error(`moto_server exited with ${code}: ${log.trim()}`)));
    child.once('error', fail);
  });
}

/** Starts moto_server on a free 127.0.0.1 port; one endpoint serves EC2 in every region. */
export async function startMoto(bin = motoServerPath()) {
  if (!bin) throw new Error('moto_server is not on PATH');
  let child;
  let port = 0;
  for (let attempt = 1; !child; attempt++) {
    port = await freePort();
    try {
      child = await launch(bin, port);
    } catch (err) {
      if (attempt >= 5 || !/Address already in use/.test(String(err.message))) throw err;
    }
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    /** Forgets every resource (POST /moto-api/reset), as a fresh server would. */
    async reset() {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      if (!res.ok) throw new Error(`moto reset answered HTTP ${res.status}`);
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.removeAllListeners('exit');
        // Werkzeug can take seconds to finish a request and exit on SIGTERM.
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    },
  };
}

/**
 * sshd_config lines that accept whatever public key the client offers, for any user: the stand-in
 * for an instance whose cloud-init installed the launch key pair. Needed because moto's
 * CreateKeyPair (Packer's temporary key) makes a random key the sshd could not know otherwise.
 * Loopback test sshd only.
 */
export const ACCEPT_OFFERED_KEY = ['AuthorizedKeysCommand /bin/echo %t %k', 'AuthorizedKeysCommandUser nobody'];
