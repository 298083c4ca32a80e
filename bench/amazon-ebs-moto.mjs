// amazon-ebs against moto (the AWS emulator) and a real OpenSSH sshd on loopback, bake against
// Packer 1.6.6 on the same template (test/fixtures/moto/amazon-ebs.json: three regions, tags,
// snapshot_tags, ami_users, temporary key pair and security group, a shell provisioner), runs
// interleaved, moto reset before each. Prints the best wall time of each and the ratio bake/Packer,
// the time from start to the first EC2 call and to SSH-connected, the SSH authentication requests
// sshd saw, and the EC2 calls each made (counted by a logging proxy in front of moto).
// Run: npm run build && node bench/amazon-ebs-moto.mjs [runs] [--timeline]   (needs moto_server; packer optional)
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCEPT_OFFERED_KEY, motoServerPath, motoVersion, startMoto } from '../test/helpers/moto-launcher.mjs';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';

const RUNS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
// --timeline: every EC2 call of each tool's best run, with its time from the start.
const TIMELINE = process.argv.includes('--timeline');
const TEMPLATE = fileURLToPath(new URL('../test/fixtures/moto/amazon-ebs.json', import.meta.url));
const BAKE = fileURLToPath(new URL('../bin/bake.js', import.meta.url));

function which(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A pass-through in front of moto that notes each EC2 call's action, region and time. */
function loggingProxy(target) {
  const calls = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = new URLSearchParams(body.toString()).get('Action') ?? new URL(req.url, 'http://x').searchParams.get('Action') ?? req.url;
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '?';
      calls.push({ action, region, at: performance.now() });
      const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode, r.headers);
        r.pipe(res);
      });
      up.on('error', (err) => res.destroy(err));
      up.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, calls, close: () => server.close() })));
}

const motoBin = motoServerPath();
if (!motoBin) {
  console.log('amazon-ebs on moto: skipped, moto_server is not on PATH (pip install "moto[server]")');
  process.exit(0);
}
const moto = await startMoto(motoBin);
const proxy = await loggingProxy(moto.url);
const sshd = await startSshd({ extraConfig: [...ACCEPT_OFFERED_KEY, 'LogLevel DEBUG1'] });
const work = mkdtempSync(join(tmpdir(), 'bake-bench-moto-'));
const packerHome = join(work, 'packer-home');
mkdirSync(packerHome);
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_CONFIG_FILE: join(work, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
  BAKE_MOTO_ENDPOINT: proxy.url,
  BAKE_MOTO_SSH_PORT: String(sshd.port),
  BAKE_AWS_LOOPBACK_ONLY: '1',
  BAKE_CACHE_DIR: join(work, 'bake-cache'),
  NO_COLOR: '1',
  CHECKPOINT_DISABLE: '1',
};

/** One build: wall time, first EC2 call and SSH-connected (from the start), auth requests, calls by action. */
function runOnce(tool) {
  const [cmd, args, extraEnv] =
    tool === 'bake' ? [process.execPath, [BAKE, 'build', TEMPLATE], {}] : ['packer', ['build', TEMPLATE], { HOME: packerHome, PACKER_CACHE_DIR: join(packerHome, 'cache') }];
  const callsBefore = proxy.calls.length;
  const logBefore = sshd.log().length;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let connected;
    let out = '';
    const child = spawn(cmd, args, { cwd: work, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (connected === undefined && out.includes('Connected to SSH!')) connected = performance.now() - started;
    });
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wall = performance.now() - started;
      if (code !== 0) return reject(new Error(`${tool} build failed (exit ${code}):\n${out}`));
      const calls = proxy.calls.slice(callsBefore);
      const sshdLog = sshd.log().slice(logBefore);
      const auth = [...sshdLog.matchAll(/userauth-request for user \S+ service ssh-connection method (\S+)/g)].map((m) => m[1]);
      // Each exec, SFTP or SCP is a session channel, and a process sshd starts on the machine.
      const sessions = [...sshdLog.matchAll(/server_input_channel_open: ctype session/g)].length;
      const byAction = calls.reduce((m, c) => ((m[c.action] = (m[c.action] ?? 0) + 1), m), {});
      const timeline = calls.map((c) => `${Math.round(c.at - started)} ${c.region} ${c.action}`);
      resolve({ wall, first: calls[0].at - started, connected, auth, sessions, calls: calls.length, byAction, timeline });
    });
  });
}

const hasPacker = Boolean(which('packer'));
const packerVersion = hasPacker ? execFileSync('packer', ['version'], { encoding: 'utf8' }).trim().split('\n')[0] : undefined;
const results = { bake: [], packer: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    for (const tool of hasPacker ? ['packer', 'bake'] : ['bake']) {
      await moto.reset();
      results[tool].push(await runOnce(tool));
    }
  }
} finally {
  proxy.close();
  await sshd.stop();
  await moto.stop();
  rmSync(work, { recursive: true, force: true });
}

const best = (rs) => rs.reduce((a, b) => (b.wall < a.wall ? b : a));
const ms = (v) => (v === undefined ? '–' : `${Math.round(v)} ms`);
const calls = (r) => Object.entries(r.byAction).sort().map(([a, n]) => `${a}×${n}`).join(' ');
console.log(`amazon-ebs on moto ${motoVersion() ?? '?'} + OpenSSH sshd (loopback), 3 regions, best of ${RUNS}${hasPacker ? `, against ${packerVersion}` : ' (packer not on PATH: bake only)'}`);
for (const tool of hasPacker ? ['packer', 'bake'] : ['bake']) {
  const b = best(results[tool]);
  console.log(`  ${tool.padEnd(6)} wall ${ms(b.wall)} (runs: ${results[tool].map((r) => Math.round(r.wall)).join(', ')} ms)  first EC2 call ${ms(b.first)}  SSH connected ${ms(b.connected)}  SSH auth requests ${b.auth.length} (${b.auth.join(', ')})  SSH sessions ${b.sessions}  EC2 calls ${b.calls}`);
  console.log(`         ${calls(b)}`);
  if (TIMELINE) console.log(`         connected at ${ms(b.connected)}\n         ${b.timeline.join('\n         ')}`);
}
if (hasPacker) console.log(`  ratio bake/Packer (best wall): ${(best(results.bake).wall / best(results.packer).wall).toFixed(2)}`);
