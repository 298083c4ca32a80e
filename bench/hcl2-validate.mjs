// `bake validate` of a bento-sized HCL2 directory (4 files, ~1,000 lines, a 60-line pkrvars file)
// against `bake validate` of a legacy JSON template of the same builds: prints the ratio (target
// <= 1.3x), and the cold `bake validate` of one .pkr.hcl file (target < 0.5 s).
// Run after `npm run build`: node bench/hcl2-validate.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.RUNS ?? 7);
const bin = fileURLToPath(new URL('../bin/bake.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'bake-bench-hcl2-'));
const hclDir = join(root, 'packer_templates');
mkdirSync(hclDir);

const VARS = 60;
const SOURCES = 6;
const PROVISIONERS = 40;
const names = Array.from({ length: VARS }, (_, i) => `setting_${i}`);
const sources = Array.from({ length: SOURCES }, (_, i) => `vm${i}`);
const inline = (p) => Array.from({ length: 8 }, (_, k) => `echo step ${p}.${k}`);

// HCL2: variables, sources, a builder file with locals and provisioners, plugins; a var file.
writeFileSync(
  join(hclDir, 'pkr-variables.pkr.hcl'),
  names.map((n, i) => `variable "${n}" {\n  type        = string\n  default     = "default-${i}"\n  description = "Setting number ${i}, as bento describes each of its variables"\n}\n`).join('\n'),
);
writeFileSync(
  join(hclDir, 'pkr-sources.pkr.hcl'),
  sources
    .map((s, i) => `source "null" "${s}" {\n  communicator = "none"\n${Array.from({ length: 12 }, () => '').join('')}}\n\n# source ${i}: bento keeps one source per hypervisor, with comments like this one\n# describing each option it sets, which is most of the file's size.\n`)
    .join('\n'),
);
writeFileSync(
  join(hclDir, 'pkr-builder.pkr.hcl'),
  `locals {\n  source_names = [for s in ${JSON.stringify(sources.map((s) => `source.null.${s}`))} : trimprefix(s, "source.")]\n  greeting     = var.setting_0 == "x" ? "no" : upper(var.setting_1)\n  digest       = sha256(join(",", [${names.slice(0, 10).map((n) => `var.${n}`).join(', ')}]))\n}\n\nbuild {\n  sources = ${JSON.stringify(sources.map((s) => `source.null.${s}`))}\n\n` +
    Array.from({ length: PROVISIONERS }, (_, p) => `  provisioner "shell-local" {\n    inline = [\n${inline(p).map((l) => `      "${l}",\n`).join('')}    ]\n    except = var.setting_2 == "windows" ? local.source_names : null\n  }\n`).join('\n') +
    '}\n',
);
writeFileSync(join(hclDir, 'pkr-plugins.pkr.hcl'), 'packer {\n  required_version = ">= 1.7.0"\n}\n');
const varFile = join(root, 'os.pkrvars.hcl');
writeFileSync(varFile, names.map((n, i) => `${n} = "value-${i}"`).join('\n') + '\n');

// The same builds in JSON.
const jsonFile = join(root, 'same.json');
writeFileSync(
  jsonFile,
  JSON.stringify(
    {
      variables: Object.fromEntries(names.map((n, i) => [n, `value-${i}`])),
      builders: sources.map((s) => ({ type: 'null', name: `null.${s}`, communicator: 'none' })),
      provisioners: Array.from({ length: PROVISIONERS }, (_, p) => ({ type: 'shell-local', inline: inline(p) })),
    },
    null,
    2,
  ),
);
// One .pkr.hcl file: the directory's files together.
const single = join(root, 'one.pkr.hcl');
writeFileSync(single, ['pkr-variables', 'pkr-sources', 'pkr-builder', 'pkr-plugins'].map((f) => spawnSync('cat', [join(hclDir, `${f}.pkr.hcl`)]).stdout.toString()).join('\n'));

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(args, script = bin) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, script ? [script, ...args] : args, { cwd: root, stdio: 'pipe' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== 0) throw new Error(`bake ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return median(times);
}

const lines = spawnSync('sh', ['-c', `cat ${hclDir}/*.pkr.hcl | wc -l`]).stdout.toString().trim();
// Node's own start-up, measured in the same run: on a loaded machine every figure grows with it.
const node = time(['-e', '0'], null);
const json = time(['validate', jsonFile]);
const hcl = time(['validate', `-var-file=${varFile}`, hclDir]);
const one = time(['validate', `-var-file=${varFile}`, single]);
console.log(`HCL2 directory: ${lines} lines in 4 files, ${VARS}-line var file, ${SOURCES} builds x ${PROVISIONERS} provisioners (median of ${RUNS})`);
console.log(`  node -e 0 (start-up, for reference):      ${node.toFixed(0)} ms`);
console.log(`  bake validate (legacy JSON, same builds): ${json.toFixed(0)} ms`);
console.log(`  bake validate (HCL2 directory):           ${hcl.toFixed(0)} ms   ratio ${(hcl / json).toFixed(2)}x (target <= 1.3x)`);
console.log(`  bake validate (one .pkr.hcl, cold):       ${one.toFixed(0)} ms   (target < 500 ms)`);
if (hcl / json > 1.3 || one >= 500) process.exitCode = 1;
