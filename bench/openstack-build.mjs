// One openstack build end to end against the loopback fake OpenStack (same fake, same local sshd):
// `bake build` vs Packer 1.6.6's `packer build`, wall time of the whole command.
// Run after `npm run build`: node bench/openstack-build.mjs [runs]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.argv[2] ?? 3);
const work = mkdtempSync(join(tmpdir(), 'bake-bench-os-'));

// The fake is test TypeScript: compile it once, outside the timings.
execFileSync('npx', ['tsc', '--outDir', join(work, 'fake'), '--rootDir', root, '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
  '--target', 'ES2022', '--skipLibCheck', '--types', 'node', join(root, 'test/fakes/openstack/index.ts')], { cwd: root, stdio: 'inherit' });
const { startFakeOpenstack } = await import(join(work, 'fake/test/fakes/openstack/index.js'));

const sshd = await startSshd();
const cloud = await startFakeOpenstack();
cloud.state.onBoot = (_server, publicKey) => {
  if (publicKey) appendFileSync(join(sshd.dir, 'authorized_keys'), `${publicKey}\n`);
};
const template = join(work, 't.json');
writeFileSync(template, JSON.stringify({
  builders: [{
    type: 'openstack', identity_endpoint: cloud.authUrl, username: 'demo', password: 'secret', tenant_name: 'demo', domain_name: 'Default',
    source_image_name: 'alpine', flavor: 'm1.small', image_name: 'bench-{{timestamp}}', floating_ip_network: 'public',
    ssh_username: sshd.username, ssh_port: sshd.port,
  }],
  provisioners: [{ type: 'shell', inline: ['echo provisioned'] }],
}));

/** Runs a command without blocking this process, which serves the fake cloud meanwhile. */
async function run(cmd, args, env = {}) {
  const start = process.hrtime.bigint();
  const code = await new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: work, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: 'ignore' });
    child.on('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const leftovers = cloud.state.leftovers();
  if (code !== 0 || leftovers.length) throw new Error(`${cmd} exited ${code}, leftovers: ${leftovers.join(', ') || 'none'}`);
  return seconds;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hasPacker = spawnSync('packer', ['version'], { stdio: 'ignore' }).status === 0;
const bake = [];
const packer = [];
try {
  for (let i = 0; i < runs; i++) {
    bake.push(await run(process.execPath, [join(root, 'bin/bake.js'), 'build', template], { BAKE_CACHE_DIR: join(work, 'cache') }));
    if (hasPacker) packer.push(await run('packer', ['build', template], { PACKER_CACHE_DIR: join(work, 'packer-cache'), CHECKPOINT_DISABLE: '1' }));
  }
} finally {
  await cloud.close();
  await sshd.stop();
}
console.log(`openstack build against the fake cloud, ${runs} runs each (median):`);
console.log(`  bake build:   ${median(bake).toFixed(2)} s  (${bake.map((s) => s.toFixed(2)).join(', ')})`);
if (hasPacker) {
  console.log(`  packer build: ${median(packer).toFixed(2)} s  (${packer.map((s) => s.toFixed(2)).join(', ')})`);
  console.log(`  ratio packer/bake: ${(median(packer) / median(bake)).toFixed(1)}x`);
} else {
  console.log('  packer not installed: no reference');
}
