// The state provisioner's no-change pass vs a hand-written shell script doing the same checks.
// A 40-state file is applied twice to a disposable Debian chroot (test/helpers/debian-rootfs);
// then both the no-change pass and the script run `rounds` times over the same SSH connection.
// Run after `npm run build`: node bench/state-no-change.mjs [rounds]
import { createHash } from 'node:crypto';
import { connectSsh, resolveSshConfig } from '../dist/communicator/index.js';
import { EventBus } from '../dist/core/events.js';
import { plugin, runStates } from '../dist/provisioners/state/index.js';
import { probeScript } from '../dist/provisioners/state/probe.js';
import { makeRemote } from '../dist/provisioners/state/remote.js';
import { startDebianSystem } from '../test/helpers/debian-rootfs-launcher.mjs';

const rounds = Number(process.argv[2] ?? 7);
const UNIT = '[Unit]\nDescription=bench\n[Service]\nExecStart=/bin/true\n[Install]\nWantedBy=multi-user.target\n';

/** 40 states: 13 files (3 of them units), 5 directories, 5 symlinks, 5 lines, 5 packages, 2 groups, 2 users, 3 services. */
function states() {
  const s = {};
  for (let i = 0; i < 5; i++) s[`/srv/d${i}`] = { 'file.directory': { mode: '0755' } };
  for (let i = 0; i < 10; i++) s[`/srv/d${i % 5}/f${i}.conf`] = { 'file.managed': { contents: `setting_${i} = ${'x'.repeat(200)}\n`, mode: '0644', require: [`/srv/d${i % 5}`] } };
  for (let i = 0; i < 5; i++) s[`/srv/l${i}`] = { 'file.symlink': { target: `/srv/d${i}` } };
  for (let i = 0; i < 5; i++) s[`line${i}`] = { 'file.line': { name: `/etc/bench-line${i}.conf`, content: `extra_${i} = yes`, mode: 'ensure', match: `^extra_${i}`, create: true } };
  for (const p of ['hello', 'tree', 'coreutils', 'bash', 'sudo']) s[p] = { 'pkg.installed': {} };
  for (const g of ['web', 'ops']) s[g] = { 'group.present': {} };
  for (const u of ['alice', 'bob']) s[u] = { 'user.present': { shell: '/bin/bash', groups: ['web', 'ops'], require: [{ group: 'web' }, { group: 'ops' }] } };
  for (let i = 0; i < 3; i++) {
    s[`/etc/systemd/system/bench${i}.service`] = { 'file.managed': { contents: UNIT } };
    s[`bench${i}`] = { 'service.enabled': {} };
  }
  return s;
}

/** What a careful person would write by hand: the same checks, one script, one round trip. */
function handScript(st) {
  const lines = ['n=0; ok() { n=$((n+1)); }'];
  for (const [id, body] of Object.entries(st)) {
    const [fn, a] = Object.entries(body)[0];
    const name = a.name ?? id;
    if (fn === 'file.directory') lines.push(`[ -d ${name} ] && [ "$(stat -c %a ${name})" = 755 ] && ok`);
    if (fn === 'file.managed') {
      const sha = createHash('sha256').update(a.contents).digest('hex');
      lines.push(`[ -f ${name} ] && [ "$(sha256sum ${name} | cut -c1-64)" = ${sha} ] && [ "$(stat -c %a ${name})" = 644 ] && ok`);
    }
    if (fn === 'file.symlink') lines.push(`[ "$(readlink ${name})" = ${a.target} ] && ok`);
    if (fn === 'file.line') lines.push(`grep -q '^${a.content}$' ${name} && ok`);
    if (fn === 'pkg.installed') lines.push(`dpkg-query -W -f='\${Status}' ${name} | grep -q 'ok installed' && ok`);
    if (fn === 'group.present') lines.push(`getent group ${name} >/dev/null && ok`);
    if (fn === 'user.present') lines.push(`getent passwd ${name} | grep -q :/bin/bash$ && id -Gn ${name} | grep -q web && id -Gn ${name} | grep -q ops && ok`);
    if (fn === 'service.enabled') lines.push(`[ "$(systemctl is-enabled ${name})" = enabled ] && ok`);
  }
  lines.push('echo "$n"');
  return lines.join('\n');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(fn) {
  const start = process.hrtime.bigint();
  const out = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, out };
}

const sys = await startDebianSystem();
const bus = new EventBus();
const signal = new AbortController().signal;
const options = resolveSshConfig({ ssh_timeout: '30s' }, { host: sys.host, port: sys.port, username: sys.username, privateKey: sys.privateKey }, { file: 'bench', path: 'builders[0]', templateDir: process.cwd() });
const comm = await connectSsh(options, { log: bus.logger('bench'), signal });
try {
  const st = states();
  const provisioner = plugin.create({ states: st }, { file: 'bench.json', path: 'provisioners[0]', templateDir: process.cwd() });
  const plan = await provisioner.plan({ templateDir: process.cwd(), vars: {} });
  const remote = makeRemote(comm, { sudo: false, signal, tmpDir: '/tmp' });
  const opts = { test: false, failFast: true, serviceMode: 'enable-only', signal };
  const first = await timed(() => runStates(plan, remote, opts));
  const failed = first.out.results.filter((r) => r.result === false);
  if (failed.length) throw new Error(`first pass failed: ${failed.map((r) => `${r.id}: ${r.comment}`).join('; ')}`);
  const changedFirst = first.out.results.filter((r) => Object.keys(r.changes).length).length;

  const script = handScript(st);
  const bakeTimes = [];
  const handTimes = [];
  const probeTimes = [];
  const probe = probeScript(plan.map((p) => p.fn.probe(p.args, p.prepared)));
  for (let i = 0; i < rounds; i++) {
    const pass = await timed(() => runStates(plan, remote, opts));
    const moved = pass.out.results.filter((r) => Object.keys(r.changes).length);
    if (moved.length) throw new Error(`no-change pass changed: ${moved.map((r) => r.id).join(', ')}`);
    bakeTimes.push(pass.ms);
    const hand = await timed(() => remote.run(script));
    if (hand.out.stdout.trim() !== String(plan.length)) throw new Error(`hand-written script: ${hand.out.stdout} checks passed, stderr: ${hand.out.stderr}`);
    handTimes.push(hand.ms);
    probeTimes.push((await timed(() => remote.run(probe))).ms);
  }
  const bake = median(bakeTimes);
  const hand = median(handTimes);
  console.log(`states: ${plan.length} (first pass: ${changedFirst} changed in ${first.ms.toFixed(0)} ms)`);
  console.log(`no-change pass (median of ${rounds}): ${bake.toFixed(1)} ms total, ${(bake / plan.length).toFixed(2)} ms per state, 1 probe round trip`);
  console.log(`  of which the generated probe script alone: ${median(probeTimes).toFixed(1)} ms (the rest is bake's own work on the controller)`);
  console.log(`hand-written check script (median of ${rounds}): ${hand.toFixed(1)} ms total, ${(hand / plan.length).toFixed(2)} ms per state`);
  console.log(`ratio bake / hand-written: ${(bake / hand).toFixed(2)}x (target <= 2x)`);
} finally {
  await comm.close();
  await sys.stop();
}
