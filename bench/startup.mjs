// Start-up, measured side by side in one run (hyperfine-like: a warm-up, then runs interleaved,
// median of each): `bake --version` against a bare `node -e 0` (target <= 1.3x), and `bake validate`
// of a small JSON template against `packer validate` of the same file (target <= 1x; Packer 1.6.6
// from Debian's `packer` package, which scripts/setup-host.sh installs). Prints both ratios, from the
// medians and from the best runs, and `bake validate` of a small .pkr.hcl file (target < 0.5 s),
// which loads the HCL2 reader on top. Timing is wall-clock: on a busy machine run it alone (the
// load average is printed).
// Run after `npm run build`: node bench/startup.mjs [runs]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.argv[2] ?? 21);
const bin = fileURLToPath(new URL('../bin/bake.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bake-bench-startup-'));
const file = join(dir, 't.json');
writeFileSync(file, JSON.stringify({ variables: { greeting: 'hello' }, builders: [{ type: 'null', communicator: 'none' }] }, null, 2));
const hcl = join(dir, 't.pkr.hcl');
writeFileSync(hcl, 'variable "greeting" {\n  default = "hello"\n}\n\nsource "null" "example" {\n  communicator = "none"\n}\n\nbuild {\n  sources = ["source.null.example"]\n}\n');

function which(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

const commands = {
  node: [process.execPath, ['-e', '0']],
  version: [process.execPath, [bin, '--version']],
  validate: [process.execPath, [bin, 'validate', file]],
  hcl2: [process.execPath, [bin, 'validate', hcl]],
  ...(which('packer') ? { packer: ['packer', ['validate', file]] } : {}),
};
const times = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
const once = ([cmd, args]) => {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: 'ignore', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
};
const before = loadavg().map((l) => l.toFixed(2)).join(' ');
for (const c of Object.values(commands)) once(c); // warm-up: disk caches, Node's compile cache
for (let i = 0; i < RUNS; i++) for (const [k, c] of Object.entries(commands)) times[k].push(once(c));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, median(xs)]));
const b = Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, Math.min(...xs)]));
const ms = (k) => `${m[k].toFixed(0).padStart(4)} ms (best ${b[k].toFixed(0).padStart(4)} ms)`;
const ratio = (x, y) => `${(m[x] / m[y]).toFixed(2)}x (best ${(b[x] / b[y]).toFixed(2)}x)`;
console.log(`node ${process.version}, ${RUNS} runs each interleaved, medians; load average before ${before}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`node -e 0              ${ms('node')}`);
console.log(`bake --version         ${ms('version')}   ${ratio('version', 'node')} node -e 0 (target <= 1.3x)`);
console.log(`bake validate (JSON)   ${ms('validate')}`);
if (m.packer) console.log(`packer validate        ${ms('packer')}   bake validate / packer validate = ${ratio('validate', 'packer')} (target <= 1x)`);
else console.log('packer validate        (packer not installed: apt-get install packer)');
console.log(`bake validate (HCL2)   ${ms('hcl2')}   (target < 500 ms)`);
