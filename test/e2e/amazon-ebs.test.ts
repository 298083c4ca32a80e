import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type BakeEvent } from '../../src/core/events.js';
import { Journal } from '../../src/core/journal.js';
import { runBuilds } from '../../src/core/orchestrator.js';
import { registry } from '../../src/plugins/registry.js';
import { loadTemplate } from '../../src/template/index.js';
import { fakeWithSshd } from '../builders/amazon-ebs/setup.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';

// The template layer, orchestrator, builder, shell provisioner and SSH communicator all run for
// real in this process; only EC2 is the in-process fake (aws-sdk-client-mock), which a child
// `bake` process could not share.
let sshd: TestSshd;
let env: ReturnType<typeof fakeWithSshd>;
let dir: string;

beforeAll(async () => {
  isolateAws();
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-ebs-'));
});
afterAll(async () => sshd?.stop());
afterEach(() => env?.restore());

function template(builders: Record<string, unknown>[]): string {
  const file = join(dir, 'packer.json');
  const common = {
    type: 'amazon-ebs',
    region: 'us-east-1',
    source_ami_filter: { filters: { name: 'ubuntu/images/*', 'virtualization-type': 'hvm' }, owners: ['099720109477'], most_recent: true },
    instance_type: 't3.micro',
    ssh_username: sshd.username,
    ssh_port: sshd.port,
    ssh_timeout: '20s',
  };
  writeFileSync(
    file,
    JSON.stringify({
      variables: { app: 'web' },
      builders: builders.map((b) => ({ ...common, ...b })),
      provisioners: [{ type: 'shell', inline: ['echo "baking {{user `app`}} on $(uname -s)"'] }],
    }),
  );
  return file;
}

async function run(file: string, signal = new AbortController().signal) {
  const bus = new EventBus();
  const events: BakeEvent[] = [];
  bus.on((e) => events.push(e));
  const journalPath = join(dir, `journal-${Math.random()}.jsonl`);
  const plan = loadTemplate(file, { registry });
  const results = await runBuilds({ plan, bus, signal, journalPath, parallel: 2 });
  return { results, events, journalPath };
}

describe('amazon-ebs through the template and orchestrator', () => {
  it('builds two AMIs in parallel from an unchanged Packer template, with region copies and encryption', async () => {
    env = fakeWithSshd(sshd);
    const file = template([
      { name: 'web', ami_name: '{{user `app`}}-{{timestamp}}', ami_regions: ['eu-west-1', 'eu-central-1'], encrypt_boot: true, tags: { Base: '{{ .SourceAMIName }}' } },
      { name: 'api', ami_name: 'api-{{timestamp}}' },
    ]);
    const { results, events, journalPath } = await run(file);
    expect(results.map((r) => r.error)).toEqual([undefined, undefined]);
    expect(Object.keys(results[0].artifacts[0].images)).toEqual(['us-east-1', 'eu-west-1', 'eu-central-1']);
    expect(Object.keys(results[1].artifacts[0].images)).toEqual(['us-east-1']);
    expect(events.filter((e) => e.level === 'output').map((e) => `${e.build}: ${e.text}`).sort()).toEqual(['api: baking web on Linux', 'web: baking web on Linux']);
    const webAmi = env.fake.images.get(results[0].artifacts[0].images['eu-west-1'])!;
    expect(webAmi.name).toMatch(/^web-\d+$/);
    expect(webAmi.encrypted).toBe(true);
    expect(webAmi.tags).toContainEqual({ Key: 'Base', Value: env.source.name });
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(journalPath)).toEqual([]);
  });

  it('Ctrl-C while the instance boots stops the run and leaves nothing behind', async () => {
    env = fakeWithSshd(sshd);
    const controller = new AbortController();
    env.fake.faults.before = (command) => {
      if (command === 'RunInstances') controller.abort(new Error('interrupted (SIGINT)'));
    };
    const { results, journalPath } = await run(template([{ ami_name: 'web-{{timestamp}}', ami_regions: ['eu-west-1'] }]), controller.signal);
    expect(results[0]).toMatchObject({ aborted: true, error: 'aborted: interrupted (SIGINT)' });
    expect(env.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(journalPath)).toEqual([]);
  });
});
