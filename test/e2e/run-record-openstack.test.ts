import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installKeysOnBoot } from '../builders/openstack/harness.js';
import { startFakeOpenstack, type FakeOpenstack } from '../fakes/openstack/index.js';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

// The run record of an openstack build against the loopback fake: its waits, and API calls per
// service and path (counted in the session, compared with the requests the fake received), and
// `bake plan -json -skip-unchanged` before and after the image exists.
let sshd: TestSshd;
let cloud: FakeOpenstack;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd();
  cloud = await startFakeOpenstack();
  installKeysOnBoot(cloud, sshd);
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-os-record-'));
  writeFileSync(join(dir, 'clouds.yaml'), `clouds:\n  fake:\n    auth:\n      auth_url: ${cloud.authUrl}\n      username: demo\n      project_name: demo\n      password: secret\n`);
}, 30_000);
afterAll(async () => {
  cloud?.close();
  await sshd?.stop();
});

const env = () => ({ BAKE_CACHE_DIR: join(dir, 'cache'), BAKE_JOURNAL: '', OS_CLOUD: '', OS_AUTH_URL: '', OS_PASSWORD: '' });

describe('the run record of an openstack build', () => {
  it('has its waits and API calls, and plan -json knows when the next run would skip it', async () => {
    const file = join(dir, 'os.json');
    const builder = { type: 'openstack', name: 'os', cloud: 'fake', region: 'RegionOne', source_image_name: 'alpine', flavor: 'm1.small', image_name: 'web-{{timestamp}}', floating_ip_network: 'public', ssh_username: sshd.username, ssh_port: sshd.port, ssh_timeout: '20s' };
    writeFileSync(file, JSON.stringify({ builders: [builder], provisioners: [{ type: 'shell', inline: ['echo hi'] }] }));
    const plan = async () => {
      const r = await runBake(['plan', '-json', '-skip-unchanged', file], { cwd: dir, env: env() });
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).include[0];
    };
    expect(await plan()).toMatchObject({ name: 'os', type: 'openstack', regions: ['RegionOne'], skip: false, why: expect.stringMatching(/: no image has it yet$/) });

    const before = cloud.state.requests.length;
    const run = await runBake(['build', '-skip-unchanged', file], { cwd: dir, env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const runs = join(dir, 'cache', 'runs');
    const record = readFileSync(join(runs, readdirSync(runs).find((f) => f.endsWith('.jsonl'))!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const waits = record.filter((e) => e.data?.span?.kind === 'wait' && e.data.span.phase === 'end').map((e) => e.data.span);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    for (const w of waits) expect(w.polls).toBeGreaterThanOrEqual(1);
    const calls: Record<string, number> = record.find((e) => e.data?.build_result).data.build_result.api_calls;
    expect(calls['compute:POST /servers']).toBe(1);
    const made = cloud.state.requests.slice(before);
    expect(calls['compute:POST /servers']).toBe(made.filter((r) => /^POST \/[^ ]*\/servers$/.test(r)).length);
    // Every request to a service was counted (keystone's own token requests are not API calls of a service).
    const counted = Object.values(calls).reduce((a, n) => a + n, 0);
    expect(counted).toBe(made.filter((r) => !r.includes('/identity/') && !/ \/v3\/auth\/tokens/.test(r)).length);

    expect(await plan()).toMatchObject({ skip: true, why: expect.stringMatching(/already built: image [\w-]+$/) });
  }, 240_000);
});
