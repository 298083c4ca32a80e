#!/usr/bin/env node
// The CLI is one esbuild bundle (plus lazily loaded chunks for the cloud clients): loading ~150
// small modules one by one doubled the start-up time of `bake validate`.
import module from 'node:module';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
// `bake --version` is asked by editors and scripts: answered without loading the bundle (0.5 MB).
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v' || args[0] === '-version' || args[0] === 'version')) {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(args[0] === 'version' ? `bake ${version}\n` : `${version}\n`);
} else {
  // Node >= 22.1 keeps compiled code on disk (in the OS temp directory), so later starts skip parsing the bundle.
  module.enableCompileCache?.();
  const { main } = await import('../dist/bundle/main.js');
  process.exitCode = await main(args);
}
