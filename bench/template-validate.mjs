// `bake validate` of a small template: wall time against bare `node -e 0` start-up (target <= 4x)
// and against `packer validate` of the same template; plus the in-process cost of loadTemplate.
// Run after `npm run build`: node bench/template-validate.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registry } from '../dist/plugins/registry.js';
import { loadTemplate } from '../dist/template/index.js';

const RUNS = Number(process.env.RUNS ?? 7);
const bin = fileURLToPath(new URL('../bin/bake.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bake-bench-template-'));
const file = join(dir, 't.json');
writeFileSync(
  file,
  JSON.stringify({
    variables: { greeting: 'hello', stamp: '{{timestamp}}' },
    builders: [{ type: 'null', communicator: 'none' }],
    provisioners: [
      { type: 'shell-local', inline: Array.from({ length: 20 }, (_, i) => `echo {{user \`greeting\`}} ${i} {{build_name}} {{isotime "2006-01-02"}}`) },
    ],
  }),
);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCommand(cmd, args) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd: dir, stdio: 'pipe', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return median(times);
}

const node = timeCommand(process.execPath, ['-e', '0']);
const bake = timeCommand(process.execPath, [bin, 'validate', file]);
let packer;
try {
  execFileSync('packer', ['version'], { stdio: 'ignore' });
  packer = timeCommand('packer', ['validate', file]);
} catch {
  packer = undefined;
}

const LOADS = 200;
loadTemplate(file, { registry });
const start = process.hrtime.bigint();
for (let i = 0; i < LOADS; i++) loadTemplate(file, { registry });
const perLoad = Number(process.hrtime.bigint() - start) / 1e6 / LOADS;

console.log(`node -e 0:             ${node.toFixed(0)} ms (median of ${RUNS})`);
console.log(`bake validate:         ${bake.toFixed(0)} ms  = ${(bake / node).toFixed(2)}x node start-up (target <= 4x)`);
if (packer !== undefined) console.log(`packer validate:       ${packer.toFixed(0)} ms  → bake/packer = ${(bake / packer).toFixed(2)}x`);
else console.log('packer validate:       (packer not installed)');
console.log(`loadTemplate in-process, warm: ${perLoad.toFixed(2)} ms per load (20 interpolated lines)`);
