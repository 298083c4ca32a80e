// postinstall of a bake checkout: the project runs on the Node.js 22 that `npm ci` installs into
// node_modules (the `node` package; npm puts node_modules/.bin first on PATH for every script, so
// `npm test`, `npm run build` and `npx bake` run on it). npm itself may run on an older Node.js, and
// node-gyp builds ssh2's and cpu-features' optional native bindings against the headers npm is set
// to (`nodedir`, here Node.js 20's in /usr/include/node): Node.js 22 cannot load those (a different
// ABI), and ssh2 would quietly fall back to its slower JavaScript crypto. So when a binding does not
// load on this Node.js, rebuild it against the headers that come with it. Offline: the headers are
// in the package, nothing is downloaded. Not a checkout (bake installed as a package): nothing to do.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const local = join(root, 'node_modules', 'node');
if (!existsSync(local)) process.exit(0);

const require = createRequire(join(root, 'package.json'));
const bindings = {
  ssh2: 'ssh2/lib/protocol/crypto/build/Release/sshcrypto.node',
  'cpu-features': 'cpu-features/build/Release/cpufeatures.node',
};
const broken = Object.entries(bindings).filter(([, path]) => {
  try {
    require(path);
    return false;
  } catch (err) {
    // Not built at all (no compiler): ssh2 runs without it, as it did before; nothing to rebuild.
    return err.code !== 'MODULE_NOT_FOUND';
  }
}).map(([name]) => name);
if (broken.length === 0) process.exit(0);

// node_modules/node/node_modules/node-<platform>-<arch>/include/node: the official release's headers.
const arch = readdirSync(join(local, 'node_modules'), { withFileTypes: true })
  .map((d) => join(local, 'node_modules', d.name))
  .find((dir) => existsSync(join(dir, 'include', 'node', 'node.h')));
if (!arch) {
  console.warn(`bake postinstall: no Node.js headers under ${local}: ${broken.join(', ')} keep bindings built for another Node.js (ssh2 then uses its JavaScript crypto)`);
  process.exit(0);
}
console.log(`bake postinstall: rebuilding ${broken.join(', ')} for Node.js ${process.version} (headers in ${arch})`);
const r = spawnSync('npm', ['rebuild', ...broken], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: arch },
});
if (r.status !== 0) console.warn(`bake postinstall: npm rebuild ${broken.join(' ')} exited with ${r.status ?? r.signal}: ssh2 uses its JavaScript crypto`);
