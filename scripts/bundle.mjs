// Bundles the CLI into dist/bundle with esbuild (run by `npm run build` after tsc): one file loads
// much faster than bake's ~150 modules. The EC2 client is bundled too, cut down to the commands
// bake's code names: Node spends 0.3-0.9 s loading and running @aws-sdk/client-ec2's 2 MB file
// (every one of EC2's ~700 operations), a third of that for the ~30 bake sends. Other packages,
// the other AWS clients and the credential providers bake imports itself stay in node_modules.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

function jsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === join('dist', 'bundle') || path === join('dist', 'sdk') ? [] : jsFiles(path);
    return e.name.endsWith('.js') ? [path] : [];
  });
}

/** What bake's compiled code may take from the EC2 client: the client and every *Command it names. */
function ec2Names() {
  const names = new Set(['EC2Client']);
  for (const file of jsFiles('dist')) {
    const text = readFileSync(file, 'utf8');
    if (!text.includes('@aws-sdk/client-ec2')) continue;
    for (const [name] of text.matchAll(/\b[A-Z]\w*Command\b/g)) names.add(name);
  }
  const sdk = require('@aws-sdk/client-ec2');
  return [...names].filter((n) => n in sdk).sort();
}

// Chunk names change with their content: old ones would pile up.
rmSync('dist/bundle', { recursive: true, force: true });
mkdirSync('dist/sdk', { recursive: true });
const names = ec2Names();
writeFileSync('dist/sdk/client-ec2-entry.mjs', `export { ${names.join(', ')} } from '@aws-sdk/client-ec2';\n`);
await build({
  entryPoints: ['dist/sdk/client-ec2-entry.mjs'],
  outfile: 'dist/sdk/client-ec2.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  // The SDK's ES module build, which esbuild can tree-shake (its CommonJS build is one module).
  mainFields: ['module', 'main'],
  // CommonJS parts of the SDK require Node's built-ins; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as bakeCreateRequire } from 'node:module'; const require = bakeCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});

await build({
  entryPoints: ['dist/cli/main.js'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  alias: { '@aws-sdk/client-ec2': './dist/sdk/client-ec2.mjs' },
  logLevel: 'warning',
});
