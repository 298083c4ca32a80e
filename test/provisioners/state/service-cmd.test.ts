import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, startGuest, type Guest } from './guest.js';

let g: Guest;
beforeAll(async () => {
  g = await startGuest();
}, 900_000);
afterAll(async () => {
  await g?.stop();
});

const onGuest = (path: string) => join(g.sys.root, path);
const UNIT = '[Unit]\nDescription=bake demo\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n';
const WANTS = '/etc/systemd/system/multi-user.target.wants/bake-demo.service';

describe('service.* with systemd in a chroot (enable/disable are real; start/stop need a booted guest)', () => {
  it('service.enabled and service.disabled change the unit\'s symlinks once, then report no change', async () => {
    const enable = {
      '/etc/systemd/system/bake-demo.service': { 'file.managed': { contents: UNIT } },
      'bake-demo': { 'service.enabled': { require: [{ file: '/etc/systemd/system/bake-demo.service' }] } },
    };
    expect(Object.values(outcomes(await g.run(enable)))).toEqual(['changed', 'changed']);
    expect(readlinkSync(onGuest(WANTS))).toBe('/etc/systemd/system/bake-demo.service');
    expect(Object.values(outcomes(await g.run(enable)))).toEqual(['ok', 'ok']);
    const disable = { 'bake-demo': { 'service.disabled': {} } };
    expect(outcomes(await g.run(disable))).toEqual({ 'bake-demo service.disabled': 'changed' });
    expect(existsSync(onGuest(WANTS))).toBe(false);
    expect(outcomes(await g.run(disable))).toEqual({ 'bake-demo service.disabled': 'ok' });
  });

  it('service.running in full mode explains that systemd is not running and what to set', async () => {
    const out = await g.run({ 'bake-demo': { 'service.running': {} } }, { serviceMode: 'full' });
    expect(outcomes(out)).toEqual({
      'bake-demo service.running': 'failed: systemd is not running on the guest, so bake-demo cannot be started; set service_mode: "enable-only" to only enable it',
    });
  });

  it('in enable-only mode, service.running enables, and a watched file change reaches the service (restart skipped, said so)', async () => {
    const states = {
      conf: { 'file.managed': { name: '/etc/bake-demo.conf', contents: 'v1\n' } },
      'bake-demo': { 'service.running': { watch: ['conf'] } },
    };
    const first = await g.run(states);
    expect(first.results[1].changes).toEqual({ enabled: true });
    expect(first.results[1].comment).toBe(
      'Service bake-demo was enabled; restart of bake-demo skipped (service_mode enable-only: the image boots with the new configuration) (watching conf)',
    );
    const same = await g.run(states);
    expect(Object.values(outcomes(same))).toEqual(['ok', 'ok']);
    expect(same.results[1].comment).toBe('Service bake-demo is already in the desired state (service_mode enable-only: not started or stopped)');
    const dead = await g.run({ 'bake-demo': { 'service.dead': {} } });
    expect(dead.results[0].changes).toEqual({ enabled: false });
  });
});

describe('cmd.run and requisites on a real Debian system', () => {
  it('runs with cwd, env and runas; creates/unless/onlyif make it idempotent', async () => {
    g.sys.run('useradd -m runner');
    const states = {
      build: { 'cmd.run': { name: 'echo "$GREETING from $(pwd) as $(id -un)" > /tmp/built', cwd: '/usr', env: { GREETING: 'hello' }, runas: 'runner', creates: '/tmp/built' } },
      skipped: { 'cmd.run': { name: 'touch /tmp/never', unless: 'test -f /etc/debian_version' } },
      gated: { 'cmd.run': { name: 'touch /tmp/gated', onlyif: ['true', 'test -f /tmp/gated-ok'] } },
    };
    expect(outcomes(await g.run(states, { test: true }))).toEqual({ 'build cmd.run': 'would change', 'skipped cmd.run': 'ok', 'gated cmd.run': 'ok' });
    expect(existsSync(onGuest('/tmp/built'))).toBe(false);
    const first = await g.run(states);
    expect(outcomes(first)).toEqual({ 'build cmd.run': 'changed', 'skipped cmd.run': 'ok', 'gated cmd.run': 'ok' });
    expect(first.results[2].comment).toBe('onlyif condition is false: test -f /tmp/gated-ok');
    expect(readFileSync(onGuest('/tmp/built'), 'utf8')).toBe('hello from /usr as runner\n');
    expect(existsSync(onGuest('/tmp/never'))).toBe(false);
    const second = await g.run(states);
    expect(Object.values(outcomes(second))).toEqual(['ok', 'ok', 'ok']);
    expect(second.results[0].comment).toBe('All files in creates exist');
  });

  it('a failing command fails its state with the exit code and stderr', async () => {
    const out = await g.run({ boom: { 'cmd.run': { name: 'echo working; echo "disk full" >&2; exit 7' } } });
    expect(outcomes(out)).toEqual({ 'boom cmd.run': 'failed: command exited with 7: disk full' });
  });

  it('require, watch, onchanges and onfail fire in order and only when they should', async () => {
    g.sys.run('rm -f /tmp/order');
    const log = (s: string) => `echo ${s} >> /tmp/order`;
    const states = {
      reload: { 'cmd.run': { name: log('reload'), onchanges: ['conf'] } },
      conf: { 'file.managed': { name: '/etc/order.conf', contents: 'x' } },
      watcher: { 'cmd.run': { name: log('watcher'), creates: '/etc/order.conf', watch: ['conf'] } },
      broken: { 'cmd.run': { name: 'exit 3' } },
      rescue: { 'cmd.run': { name: log('rescue'), onfail: ['broken'] } },
      after: { 'cmd.run': { name: log('after'), require: ['broken'] } },
      calm: { 'cmd.run': { name: log('calm'), onfail: ['conf'] } },
    };
    const first = await g.run(states, { failFast: false });
    expect(outcomes(first)).toEqual({
      'conf file.managed': 'changed',
      'reload cmd.run': 'changed',
      'watcher cmd.run': 'changed',
      'broken cmd.run': 'failed: command exited with 3',
      'rescue cmd.run': 'changed',
      'after cmd.run': 'failed: One or more requisite failed: broken',
      'calm cmd.run': 'ok',
    });
    expect(readFileSync(onGuest('/tmp/order'), 'utf8')).toBe('reload\nwatcher\nrescue\n');
    const second = await g.run(states, { failFast: false });
    expect(outcomes(second)['reload cmd.run']).toBe('ok');
    expect(second.results.find((r) => r.id === 'reload')!.comment).toBe('State was not run because none of the onchanges reqs changed');
    expect(outcomes(second)['watcher cmd.run']).toBe('ok');
    expect(readFileSync(onGuest('/tmp/order'), 'utf8')).toBe('reload\nwatcher\nrescue\nrescue\n');
    const fast = await g.run(states);
    expect(outcomes(fast)).toEqual({
      'conf file.managed': 'ok',
      'reload cmd.run': 'ok',
      'watcher cmd.run': 'ok',
      'broken cmd.run': 'failed: command exited with 3',
      'rescue cmd.run': 'changed',
    });
    expect(fast.notRun).toEqual(['after', 'calm']);
  });
});
