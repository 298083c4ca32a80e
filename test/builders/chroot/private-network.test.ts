import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockedDestinations } from '../../../src/chroot-sandbox/index.js';
import { canChroot } from '../../helpers/chroot-build.js';
import { BAKE_BIN } from '../../helpers/run-bake.js';
import { STATIC_BUSYBOX, tinyImage } from '../../helpers/tiny-image.js';

const hasPasta = ['/usr/bin/pasta', '/usr/local/bin/pasta'].some((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'bake-private-net-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const p of started) p.kill(p === started[0] && p.exitCode === null ? 'SIGTERM' : 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** A process alone in a new network namespace; the namespace lives as long as it does. */
async function netns(): Promise<number> {
  const p = spawn('unshare', ['--net', 'sleep', '600'], { stdio: 'ignore' });
  started.push(p);
  const own = readlinkSync('/proc/self/ns/net');
  for (let i = 0; i < 100; i++) {
    try {
      if (readlinkSync(`/proc/${p.pid}/ns/net`) !== own) return p.pid!;
    } catch {
      // Not yet there.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('unshare --net did not start');
}

const inNs = (pid: number, script: string) => execFileSync('nsenter', ['-t', String(pid), '-n', 'sh', '-ec', script], { stdio: 'pipe' });

/** TCP listeners in a namespace, each answering its name and closing: [address, port, name]. */
async function listen(pid: number, listeners: [string, number, string][]): Promise<void> {
  const code = `const net = require('node:net'); let n = 0; for (const [a, p, name] of ${JSON.stringify(listeners)}) net.createServer((s) => s.end(name + '\\n')).listen(p, a, () => ++n === ${listeners.length} && console.log('ready'));`;
  const p = spawn('nsenter', ['-t', String(pid), '-n', process.execPath, '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(p);
  await new Promise<void>((resolve, reject) => {
    p.stdout!.once('data', () => resolve());
    p.once('exit', (c) => reject(new Error(`listeners exited with ${c}`)));
  });
}

describe('chroot_network "private": blocked destinations', () => {
  it('refuses the metadata services and every address of this host, not its loopback or IPv6 link-local ones', () => {
    const blocked = blockedDestinations({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '192.0.2.2', netmask: '255.255.255.0', family: 'IPv4', mac: '', internal: false, cidr: '192.0.2.2/24' },
        { address: 'fd00::2', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: 'fd00::2/64', scopeid: 0 },
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      ],
    });
    expect(blocked).toEqual(['169.254.0.0/16', 'fd00:ec2::254/128', '192.0.2.2/32', 'fd00::2/128']);
  });
});

if (canChroot && !hasPasta) console.warn('test/builders/chroot/private-network.test.ts: skipped, pasta is not installed (apt-get install passt; scripts/setup-host.sh does)');
describe.skipIf(!canChroot || !hasPasta || !existsSync(STATIC_BUSYBOX))('chroot_network "private" (pasta), on a network of namespaces only', () => {
  it('reaches another machine, never the host\'s loopback, its own address or the metadata address', async () => {
    // "host" is where bake runs; "outside" another machine behind a veth, its default gateway. Nothing leaves this machine.
    const host = await netns();
    const outside = await netns();
    execFileSync('ip', ['link', 'add', 'name', 'bake-v0', 'netns', String(host), 'type', 'veth', 'peer', 'name', 'bake-v1', 'netns', String(outside)]);
    inNs(host, 'ip link set lo up; ip addr add 198.51.100.1/24 dev bake-v0; ip link set bake-v0 up; ip route add default via 198.51.100.2; ip addr add 169.254.169.254/32 dev lo');
    inNs(outside, 'ip link set lo up; ip addr add 198.51.100.2/24 dev bake-v1; ip link set bake-v1 up');
    await listen(host, [['127.0.0.1', 8001, 'HOST-LOOPBACK'], ['0.0.0.0', 8002, 'HOST-ADDRESS'], ['169.254.169.254', 8003, 'METADATA']]);
    await listen(outside, [['0.0.0.0', 8004, 'outside-answered'], ['0.0.0.0', 8001, 'gateway-is-outside']]);

    const image = tinyImage(dir, (root) => ['nc', 'timeout'].forEach((a) => symlinkSync('busybox', join(root, 'bin', a))));
    const targets = ['198.51.100.2 8004', '198.51.100.2 8001', '127.0.0.1 8001', '198.51.100.1 8002', '169.254.169.254 8003'];
    const template = join(dir, 't.json');
    writeFileSync(
      template,
      JSON.stringify({
        builders: [{ type: 'chroot', iso_url: image, iso_checksum: 'none', output_directory: join(dir, 'out'), format: 'raw', chroot_network: 'private' }],
        provisioners: [{ type: 'shell', inline: [`for t in ${targets.map((t) => `"${t}"`).join(' ')}; do echo "$t: $(sleep 1 | timeout 10 nc -w 3 $t 2>&1 | head -n 1)"; done`] }],
      }),
    );
    const env = { ...process.env, NO_COLOR: '1', BAKE_JOURNAL: join(dir, 'journal.jsonl'), BAKE_RUNS_DIR: join(dir, 'runs') };
    // nsenter without --pid execs bake itself: killing it (afterAll, after a timeout) lets bake clean up.
    const bake = spawn('nsenter', ['-t', String(host), '-n', process.execPath, BAKE_BIN, 'build', template], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    started.unshift(bake);
    let out = '';
    bake.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    bake.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((r) => bake.on('exit', r));
    expect(code, out).toBe(0);
    expect(out).toContain('198.51.100.2 8004: outside-answered');
    // The gateway is the gateway, not a way back to the host (pasta's --no-map-gw).
    expect(out).toContain('198.51.100.2 8001: gateway-is-outside');
    expect(out).toMatch(/127\.0\.0\.1 8001: \S/);
    expect(out).not.toContain('HOST-LOOPBACK');
    expect(out).not.toContain('HOST-ADDRESS');
    expect(out).not.toContain('METADATA');
  }, 120_000);
});
