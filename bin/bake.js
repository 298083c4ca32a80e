#!/usr/bin/env node
// The CLI is one esbuild bundle (plus lazily loaded chunks for the cloud clients): loading ~150
// small modules one by one doubled the start-up time of `bake validate`.

// Built-ins through process.getBuiltinModule (Node >= 22.3) where there is one: an `import` of a
// built-in makes an ES module facade that reads every export (fs's load all of its streams code),
// a tenth of what `bake --version` costs on top of Node's own start.
const builtin = async (name) => process.getBuiltinModule?.(name) ?? (await import(name)).default;

const args = process.argv.slice(2);
// `bake --version` is asked by editors and scripts: answered without loading the bundle (0.5 MB).
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-version' || args[0] === 'version')) {
  const { readFileSync } = await builtin('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(args[0] === 'version' ? `bake ${version}\n` : `${version}\n`);
} else {
  // Node >= 22.1 keeps compiled code on disk (in the OS temp directory), so later starts skip parsing the bundle.
  (await builtin('node:module')).enableCompileCache?.();
  const { main } = await import('../dist/bundle/main.js');
  process.exitCode = await main(args);
}
