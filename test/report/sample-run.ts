import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { runBake } from '../helpers/run-bake.js';
import type { TestSshd } from '../helpers/sshd.js';

/**
 * A nightly-style run of 20 builds in two templates, for real: three base AMIs on the EC2 fake
 * (one unchanged since the night before, so -skip-unchanged reuses it; one copied to two more
 * regions), then 17 application builds over the test sshd, two of which fail. Returns the run
 * record's path. The docs' screenshot of `bake report` is this run.
 */
export async function sampleRun(dir: string, sshd: TestSshd, server: Ec2Server): Promise<string> {
  const ebs = (name: string, regions: string[]) => ({
    type: 'amazon-ebs',
    name,
    custom_endpoint_ec2: server.url,
    region: 'us-east-1',
    source_ami_filter: { filters: { name: 'debian-12-*' }, owners: ['099720109477'], most_recent: true },
    instance_type: 't3.small',
    ssh_username: sshd.username,
    ssh_port: sshd.port,
    ssh_timeout: '30s',
    ami_name: `${name}-{{timestamp}}`,
    ami_regions: regions,
    aws_polling: { delay_seconds: 1 },
  });
  const ssh = { ssh_host: sshd.host, ssh_port: sshd.port, ssh_username: sshd.username, ssh_private_key_file: sshd.privateKeyPath, ssh_timeout: '30s' };
  const base = join(dir, 'base.json');
  writeFileSync(
    base,
    JSON.stringify({
      builders: [ebs('base-minimal', []), ebs('base-debian', ['eu-west-1', 'ap-southeast-2']), ebs('base-gpu', ['eu-west-1'])],
      provisioners: [{ type: 'shell', inline: ['echo hardening', 'sleep 1'] }],
      'post-processors': [{ type: 'manifest', output: join(dir, 'manifest.json') }],
    }),
  );
  const apps = ['api', 'web', 'worker', 'scheduler', 'search', 'billing', 'auth', 'gateway', 'cache', 'queue', 'metrics', 'logs', 'mailer', 'cdn-edge', 'reports', 'admin', 'batch'];
  const app = join(dir, 'apps.json');
  writeFileSync(
    app,
    JSON.stringify({
      builders: apps.map((name) => ({ type: 'null', name, ...ssh })),
      provisioners: [
        { type: 'shell', inline: ['echo installing {{build_name}}', 'sleep $(( $(printf %s "{{build_name}}" | wc -c) % 4 + 1 ))'] },
        { type: 'shell-local', inline: ['echo rendering config for {{build_name}}', 'sleep 0.5'] },
        {
          type: 'shell',
          inline: ['case {{build_name}} in billing) echo "migration 0042 failed: relation invoices already exists" >&2; exit 3;; cdn-edge) sleep 1; echo "certificate for edge.example.com not found" >&2; exit 1;; esac', 'echo smoke test ok'],
        },
      ],
    }),
  );
  const env = { BAKE_CACHE_DIR: dir };
  // The night before: base-minimal was built with the same inputs.
  const before = await runBake(['build', '-skip-unchanged', '-only', 'base-minimal', base], { cwd: dir, env, timeoutMs: 240_000 });
  expect(before.code, before.stdout + before.stderr).toBe(0);
  // The night before, api was built too, with a package list that differed: its kept SBOM is edited
  // so that tonight's (the machine as it is) shows one upgrade, one package added and one removed.
  const apiBefore = await runBake(['build', '-only', 'api', app], { cwd: dir, env, timeoutMs: 120_000 });
  expect(apiBefore.code, apiBefore.stdout + apiBefore.stderr).toBe(0);
  const kept = readdirSync(join(dir, 'runs'), { recursive: true }).map(String).find((f) => f.endsWith(join('api', 'sbom.cdx.json')))!;
  const sbom = JSON.parse(readFileSync(join(dir, 'runs', kept), 'utf8'));
  const libraries = sbom.components.filter((c: { type: string }) => c.type === 'library');
  libraries[0].version = '0.9-old';
  sbom.components = sbom.components.filter((c: unknown) => c !== libraries[1]);
  sbom.components.push({ type: 'library', name: 'telnet', version: '0.17+2.4-2', purl: 'pkg:deb/debian/telnet@0.17%2B2.4-2?arch=amd64' });
  writeFileSync(join(dir, 'runs', kept), JSON.stringify(sbom));
  await new Promise((r) => setTimeout(r, 1100)); // a later {{timestamp}}, which the fingerprint ignores
  const record = join(dir, 'nightly.jsonl');
  // Relative paths, as a CI job gives them: the report's header names the templates so.
  const run = await runBake(['build', '-skip-unchanged', '-run-log', record, 'base.json', 'apps.json'], { cwd: dir, env, timeoutMs: 400_000 });
  expect(run.code, run.stdout + run.stderr).toBe(1);
  return record;
}
