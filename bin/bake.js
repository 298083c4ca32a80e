#!/usr/bin/env node
// The CLI is one esbuild bundle (plus lazily loaded chunks for the cloud clients): loading ~150
// small modules one by one doubled the start-up time of `bake validate`.

// Built-ins through process.getBuiltinModule (Node >= 22.3) where there is one: an `import` of a
// built-in makes an ES module facade that reads every export (fs's load all of its streams code),
// a tenth of what `bake --version` costs on top of Node's own start.
const builtin = async (name) => process.getBuiltinModule?.(name) ?? (await import(name)).default;

// engines: Node.js >= 22.9 (the Sigstore libraries need it, and the AWS SDK's releases from 2027).
// A bake checkout brings its own: `npm ci` installs Node.js 22 into node_modules (the `node` package),
// and npm scripts and `npx bake` run on it. Started by an older Node.js (`npm link`, `node bin/bake.js`
// with the system's Node.js 20), bake runs itself again on that one; without one it is refused in one
// line rather than failing later somewhere inside a dependency.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 9)) {
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const local = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(local)) {
    process.stderr.write(
      `bake: needs Node.js 22.9 or later, and this is Node.js ${process.version} (${process.execPath}); ` +
        'install Node.js 22 (`npm install -g node@22`), or run bake from a checkout after `npm ci`, which installs it\n',
    );
    process.exit(1);
  }
  const { spawn } = await import('node:child_process');
  const child = spawn(local, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C and Ctrl-\ reach the child from the terminal (same process group): not twice. A signal
  // sent to this process alone (a CI runner's SIGTERM) is passed on, and bake's own cleanup runs.
  process.on('SIGINT', () => {});
  process.on('SIGQUIT', () => {});
  for (const sig of ['SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('error', (err) => {
    process.stderr.write(`bake: cannot start ${local}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 1);
  });
} else {
  await run();
}

async function run() {
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
}
