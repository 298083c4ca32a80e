import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomes, startGuest, type Guest } from './guest.js';

/** service.* in full mode against a real systemd booted as PID 1 in the Debian system. */
let g: Guest;
beforeAll(async () => {
  g = await startGuest({ boot: true });
  await waitRunning();
}, 900_000);
afterAll(async () => {
  await g?.stop();
});

async function waitRunning(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const out: string[] = [];
    await g.comm.exec('systemctl is-system-running', { stdout: (l) => out.push(l), stderr: () => {} });
    if (out[0] === 'running' || out[0] === 'degraded') return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('systemd did not finish booting');
}

const guest = async (command: string) => {
  const out: string[] = [];
  await g.comm.exec(command, { stdout: (l) => out.push(l), stderr: () => {} });
  return out.join('\n');
};

/** The unit appends its config at each start; a simple service's start returns before that runs. */
async function starts(expected: string): Promise<string> {
  let text = '';
  for (let i = 0; i < 50 && text !== expected; i++) {
    await new Promise((r) => setTimeout(r, 100));
    text = await guest('cat /var/lib/demo-starts');
  }
  return text;
}

const UNIT = [
  '[Unit]',
  'Description=bake demo',
  '[Service]',
  "ExecStart=/bin/sh -c 'cat /etc/demo.conf >> /var/lib/demo-starts; exec sleep infinity'",
  '[Install]',
  'WantedBy=multi-user.target',
];

describe('service.* with a booted systemd', () => {
  it('service.running starts and enables (daemon-reload for the new unit), then reports no change', async () => {
    const states = {
      '/etc/demo.conf': { 'file.managed': { contents: 'v1\n' } },
      '/etc/systemd/system/demo.service': { 'file.managed': { contents: UNIT } },
      demo: { 'service.running': { enable: true, watch: ['/etc/demo.conf', '/etc/systemd/system/demo.service'] } },
    };
    const first = await g.run(states, { serviceMode: 'full' });
    expect(first.results[2].changes).toEqual({ running: true, enabled: true });
    expect(first.results[2].comment).toBe('Service demo was started and enabled; demo was just started (watching /etc/demo.conf, /etc/systemd/system/demo.service)');
    expect(await guest('systemctl is-active demo; systemctl is-enabled demo')).toBe('active\nenabled');
    expect(await starts('v1')).toBe('v1');
    expect(Object.values(outcomes(await g.run(states, { serviceMode: 'full' })))).toEqual(['ok', 'ok', 'ok']);

    const changed = { ...states, '/etc/demo.conf': { 'file.managed': { contents: 'v2\n' } } };
    const restart = await g.run(changed, { serviceMode: 'full' });
    expect(restart.results[2].changes).toEqual({ restarted: true });
    expect(await starts('v1\nv2')).toBe('v1\nv2');
  });

  it('service.dead stops and disables; test mode changes nothing', async () => {
    const states = { demo: { 'service.dead': { enable: false } } };
    expect(outcomes(await g.run(states, { serviceMode: 'full', test: true }))).toEqual({ 'demo service.dead': 'would change' });
    expect(await guest('systemctl is-active demo')).toBe('active');
    const out = await g.run(states, { serviceMode: 'full' });
    expect(out.results[0].changes).toEqual({ running: false, enabled: false });
    expect(await guest('systemctl is-active demo; systemctl is-enabled demo')).toBe('inactive\ndisabled');
    expect(outcomes(await g.run(states, { serviceMode: 'full' }))).toEqual({ 'demo service.dead': 'ok' });
  });

  it('applies the web.json fixture as a state file: the service runs, and a config change restarts it', async () => {
    const stateFile = fileURLToPath(new URL('../../fixtures/state/web.json', import.meta.url));
    const apply = (version: string) => g.apply({ state_file: stateFile, vars: { web_version: version }, service_mode: 'full', verify_idempotent: true });
    const first = await apply('1');
    expect(first.error).toBeUndefined();
    expect(first.summaries.map((x) => [x.changed, x.failed])).toEqual([
      [5, 0],
      [0, 0],
    ]);
    expect(await guest('systemctl is-active bake-web')).toBe('active');
    const next = await apply('2');
    expect(next.error).toBeUndefined();
    expect(next.lines).toContain('info:     restarted: true');
    let text = '';
    for (let i = 0; i < 50 && text !== 'version=1\nversion=2'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await guest('cat /srv/bake-web/starts');
    }
    expect(text).toBe('version=1\nversion=2');
  });

});
