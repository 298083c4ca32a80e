import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import { runBake } from '../helpers/run-bake.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { startFakeOpenstack, type FakeOpenstack } from '../fakes/openstack/index.js';
import { installKeysOnBoot } from '../builders/openstack/harness.js';

let sshd: TestSshd;
let cloud: FakeOpenstack;
let dir: string;
beforeAll(async () => {
  sshd = await startSshd();
}, 30_000);
afterAll(() => sshd.stop());
beforeEach(async () => {
  cloud = await startFakeOpenstack();
  installKeysOnBoot(cloud, sshd);
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-os-'));
  writeFileSync(join(dir, 'clouds.yaml'), `clouds:\n  fake:\n    auth:\n      auth_url: ${cloud.authUrl}\n      username: demo\n      project_name: demo\n`);
  writeFileSync(join(dir, 'secure.yaml'), 'clouds:\n  fake:\n    auth:\n      password: secret\n');
});
afterEach(() => cloud.close());

/** A Packer-style template; credentials come from clouds.yaml in the working directory. */
function template(extra: Record<string, unknown> = {}): string {
  const path = join(dir, 'openstack.json');
  const t = {
    builders: [
      {
        type: 'openstack',
        cloud: 'fake',
        source_image_name: 'alpine',
        flavor: 'm1.small',
        image_name: 'web-{{timestamp}}',
        floating_ip_network: 'public',
        ssh_username: sshd.username,
        ssh_port: sshd.port,
        ssh_timeout: '20s',
        ...extra,
      },
    ],
    provisioners: [{ type: 'shell', inline: ['echo hello from $(hostname -s >/dev/null && echo the-guest)'] }],
  };
  writeFileSync(path, JSON.stringify(t, null, 2));
  return path;
}

// The fake cloud changes a resource's state at each poll: bake polls it without pausing.
const env = () => ({ BAKE_CACHE_DIR: join(dir, 'cache'), BAKE_JOURNAL: '', OS_CLOUD: '', OS_AUTH_URL: '', OS_PASSWORD: '', BAKE_TEST_POLL_MS: '2' });

describe('bake build with the openstack builder', () => {
  it('bakes an image from a Packer template, authenticating through clouds.yaml', async () => {
    const run = await runBake(['build', template()], { cwd: dir, env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('hello from the-guest');
    const [image] = cloud.state.createdImages();
    expect(image.status).toBe('active');
    expect(run.stdout).toContain(image.id);
    expect(cloud.state.leftovers()).toEqual([]);
    expect(Journal.open(join(dir, 'cache', 'journal.jsonl'))).toEqual([]);

    // The SBOM, listed over SSH before the server was stopped, is kept in the run's folder; the Glance
    // image names it by digest in a property, and the provenance names the image.
    expect(run.stdout).toMatch(/SBOM: \d+ packages \(dpkg/);
    const kept = readdirSync(join(dir, 'cache', 'runs'), { recursive: true }).map(String).filter((f) => f.endsWith('sbom.cdx.json'));
    expect(kept).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]+\/openstack\/sbom\.cdx\.json$/)]);
    const sbom = readFileSync(join(dir, 'cache', 'runs', kept[0]));
    expect(image.properties['bake:sbom-sha256']).toBe(createHash('sha256').update(sbom).digest('hex'));
    expect(image.properties['bake:packages-sha256']).toMatch(/^[0-9a-f]{64}$/);
    const envelope = JSON.parse(readFileSync(join(dir, 'cache', 'runs', kept[0].replace('sbom.cdx.json', 'provenance.intoto.jsonl')), 'utf8'));
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString());
    expect(statement.subject).toEqual([{ name: expect.stringMatching(new RegExp(`:${image.id}$`)), digest: { imageId: image.id } }]);
    expect(statement.predicate.buildDefinition.resolvedDependencies[1]).toMatchObject({ name: 'source-image', uri: expect.stringMatching(/^openstack:image\//) });
  }, 60_000);

  for (const moment of [
    'Creating temporary key pair',
    'Launching server',
    'Waiting for server to become ready',
    'Creating floating IP',
    'Connected to SSH',
    'Stopping server',
    'Creating the image',
    'Waiting for the image to become active',
  ]) {
    it(`Ctrl-C at "${moment}" leaves nothing behind`, async () => {
      let sent = false;
      const run = await runBake(['build', template()], {
        cwd: dir,
        env: env(),
        onStdout: (chunk, child) => {
          if (!sent && chunk.includes(moment)) {
            sent = true;
            child.kill('SIGINT');
          }
        },
      });
      expect(sent).toBe(true);
      expect(run.code).not.toBe(0);
      expect(cloud.state.leftovers()).toEqual([]);
      expect(cloud.state.createdImages()).toEqual([]);
      expect(Journal.open(join(dir, 'cache', 'journal.jsonl'))).toEqual([]);
    }, 60_000);
  }

  it('authenticates from OS_* variables alone', async () => {
    const path = template({ cloud: undefined });
    const run = await runBake(['build', path], {
      cwd: mkdtempSync(join(tmpdir(), 'bake-e2e-os-env-')),
      env: { ...env(), OS_AUTH_URL: cloud.authUrl, OS_USERNAME: 'demo', OS_PASSWORD: 'secret', OS_PROJECT_NAME: 'demo', OS_USER_DOMAIN_NAME: 'Default' },
    });
    expect(run.code).toBe(0);
    expect(cloud.state.createdImages()).toHaveLength(1);
    expect(cloud.state.leftovers()).toEqual([]);
  }, 60_000);

  it('shows a wrong password plainly and exits non-zero', async () => {
    writeFileSync(join(dir, 'secure.yaml'), 'clouds:\n  fake:\n    auth:\n      password: nope\n');
    const run = await runBake(['build', template()], { cwd: dir, env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain(
      `openstack: authentication at ${cloud.authUrl} failed: The request you have made requires authentication. (HTTP 401)`,
    );
    expect(run.stdout + run.stderr).not.toContain('nope');
  }, 60_000);

  it('after kill -9, `bake cleanup` removes what the build left, from the journal', async () => {
    let sent = false;
    const run = await runBake(['build', template()], {
      cwd: dir,
      env: env(),
      onStdout: (chunk, child) => {
        if (!sent && chunk.includes('Connected to SSH')) {
          sent = true;
          child.kill('SIGKILL');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(cloud.state.leftovers()).not.toEqual([]);
    const journal = join(dir, 'cache', 'journal.jsonl');
    const dry = await runBake(['cleanup', '--dry-run'], { cwd: dir, env: { ...env(), BAKE_JOURNAL: journal } });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/openstack:server \S+ /);
    expect(cloud.state.leftovers()).not.toEqual([]);
    const clean = await runBake(['cleanup'], { cwd: dir, env: { ...env(), BAKE_JOURNAL: journal } });
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(cloud.state.leftovers()).toEqual([]);
    expect(Journal.open(journal)).toEqual([]);
  }, 60_000);
});
