// amazon-ebs on an instant in-process EC2 and a real OpenSSH sshd on loopback (the "instance"):
// bake's wall time, time to the first EC2 call and to SSH-connected, SSH authentication attempts,
// EC2 API calls against those the steps strictly need, and whether region copies overlap; plus the
// CLI's own start-up time.
// Run: npm run build && node bench/amazon-ebs.mjs
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ec2 from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { plugin } from '../dist/builders/amazon-ebs/index.js';
import { EventBus } from '../dist/core/events.js';
import { Journal } from '../dist/core/journal.js';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';

process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCH';
process.env.AWS_SECRET_ACCESS_KEY = 'bench';
process.env.BAKE_AWS_LOOPBACK_ONLY = '1';
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';

const COPY_MS = 300;
const REGIONS = ['eu-west-1', 'ap-southeast-2'];

/** Instant EC2: every state change has happened by the first describe; a copy takes COPY_MS. */
function installInstantEc2(sshd) {
  const calls = [];
  const copies = new Map();
  let seq = 0;
  const id = (p) => `${p}-${(++seq).toString(16).padStart(17, '0')}`;
  const mock = mockClient(ec2.EC2Client);
  const on = (Command, fn) =>
    mock.on(Command).callsFake(async (input, getClient) => {
      const region = await getClient().config.region();
      calls.push({ name: Command.name.replace(/Command$/, ''), region, at: performance.now() });
      return fn(input, region);
    });
  const image = (ImageId, State) => ({ ImageId, State, Name: 'src', CreationDate: '2025-01-01T00:00:00Z', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: `snap-of-${ImageId}` } }] });
  on(ec2.DescribeImagesCommand, (input) => {
    if (!input.ImageIds) return { Images: input.Owners?.includes('self') ? [] : [image('ami-source', 'available')] };
    const started = copies.get(input.ImageIds[0]);
    return { Images: [image(input.ImageIds[0], started && performance.now() - started.at < COPY_MS ? 'pending' : 'available')] };
  });
  on(ec2.CreateSecurityGroupCommand, () => ({ GroupId: id('sg') }));
  on(ec2.AuthorizeSecurityGroupIngressCommand, () => ({ Return: true }));
  on(ec2.RunInstancesCommand, () => ({ Instances: [{ InstanceId: id('i') }] }));
  const states = new Map();
  on(ec2.DescribeInstancesCommand, (input) => ({ Reservations: [{ Instances: [{ InstanceId: input.InstanceIds[0], State: { Name: states.get(input.InstanceIds[0]) ?? 'running' }, PublicIpAddress: '127.0.0.1' }] }] }));
  on(ec2.StopInstancesCommand, (input) => (states.set(input.InstanceIds[0], 'stopped'), {}));
  on(ec2.TerminateInstancesCommand, (input) => (states.set(input.InstanceIds[0], 'terminated'), {}));
  on(ec2.CreateImageCommand, () => ({ ImageId: id('ami') }));
  on(ec2.CopyImageCommand, (_input, region) => {
    const ImageId = id('ami');
    copies.set(ImageId, { at: performance.now(), region });
    return { ImageId };
  });
  on(ec2.ImportKeyPairCommand, (input) => {
    appendFileSync(join(sshd.dir, 'authorized_keys'), `${Buffer.from(input.PublicKeyMaterial).toString().trim()}\n`);
    return { KeyName: input.KeyName, KeyPairId: id('key') };
  });
  for (const C of [ec2.DeleteKeyPairCommand, ec2.CreateTagsCommand, ec2.DeleteTagsCommand, ec2.DeleteSecurityGroupCommand, ec2.ModifyImageAttributeCommand]) on(C, () => ({}));
  return { calls, copies, mock };
}

function context(bus) {
  const journalPath = join(mkdtempSync(join(tmpdir(), 'bake-bench-')), 'journal.jsonl');
  return {
    buildName: 'bench', buildType: 'amazon-ebs', buildId: 'bake-bench-0', log: bus.logger('bench'), signal: new AbortController().signal,
    force: false, debug: false, onError: 'cleanup', journal: new Journal(journalPath, 'bake-bench-0', 'bench'), templateDir: process.cwd(),
    provision: async () => {}, cleanupSignal: (ms = 60_000) => AbortSignal.timeout(ms),
  };
}

const sshd = await startSshd({ extraConfig: ['LogLevel DEBUG1'] });
const config = {
  region: 'us-east-1', source_ami: 'ami-source', instance_type: 't3.micro', ami_name: 'bench-ami',
  ssh_username: 'root', ssh_port: sshd.port, ssh_timeout: '30s', ami_regions: REGIONS, tags: { Name: 'bench' },
};

// What the steps cannot do without, per region R (1 + 2 extra): find the source (1), check the name
// (R), security group + ingress (2), run (1), see it running (1), stop (1), see it stopped (1), create
// (1), see it available (1), copy, see each copy available (R-1, at least once), tag (R),
// terminate (1), see it terminated (1), delete the group (1); the temporary key: import + delete (2);
// the snapshots' tags once the image is available (R).
const R = 1 + REGIONS.length;
const needed = 1 + R + 2 + 1 + 1 + 1 + 1 + 1 + 1 + (R - 1) + (R - 1) + R + 1 + 1 + 1 + 2 + R;

const { calls, copies, mock } = installInstantEc2(sshd);
const bus = new EventBus();
let connectedAt;
bus.on((e) => {
  if (e.text === 'Connected to SSH!') connectedAt ??= performance.now();
});
const builder = plugin.create(config, { file: 'bench.json', path: 'builders[0]', templateDir: process.cwd() });
const started = performance.now();
const artifact = await builder.run(context(bus));
const wallMs = performance.now() - started;
mock.restore();
const authRequests = [...sshd.log().matchAll(/userauth-request for user \S+ service ssh-connection method (\S+)/g)].map((m) => m[1]);
await sshd.stop();
// The CLI's own start-up: node, bake's modules, commander, up to printing its version.
const cliStarted = performance.now();
execFileSync(process.execPath, [new URL('../bin/bake.js', import.meta.url).pathname, 'version'], { stdio: 'ignore' });
const cliStartMs = performance.now() - cliStarted;

const copyCalls = calls.filter((c) => c.name === 'CopyImage');
// A copy lasts from its CopyImage call to the first describe that saw it available.
const spans = REGIONS.map((region) => {
  const start = copyCalls.find((c) => c.region === region).at;
  const polls = calls.filter((c) => c.region === region && c.name === 'DescribeImages' && c.at > start);
  return [start, polls.find((c) => c.at - start >= COPY_MS).at];
});
const copyPhaseMs = Math.max(...spans.map((s) => s[1])) - Math.min(...spans.map((s) => s[0]));
const serialMs = spans.reduce((sum, [a, b]) => sum + (b - a), 0);
const byName = Object.entries(calls.reduce((m, c) => ((m[c.name] = (m[c.name] ?? 0) + 1), m), {})).map(([n, k]) => `${n}×${k}`).join(' ');

console.log(`amazon-ebs bench: build with ${REGIONS.length} extra regions on an instant fake EC2 (copies take ${COPY_MS} ms each), SSH to a local sshd`);
console.log(`  artifact:            ${artifact.id}`);
console.log(`  wall time:           ${wallMs.toFixed(0)} ms (of which copies: ${copyPhaseMs.toFixed(0)} ms)`);
console.log(`  first EC2 call:      ${(calls[0].at - started).toFixed(0)} ms after the build started (CLI start-up before that: ${cliStartMs.toFixed(0)} ms for \`bake version\`)`);
console.log(`  SSH connected:       ${(connectedAt - started).toFixed(0)} ms after the build started`);
console.log(`  SSH auth attempts:   ${authRequests.length} (${authRequests.join(', ')})`);
console.log(`  tool overhead:       ${(wallMs - copyPhaseMs).toFixed(0)} ms outside the copy phase (target < 2000 ms)`);
console.log(`  EC2 calls:           ${calls.length} vs ${needed} strictly needed (ratio ${(calls.length / needed).toFixed(2)})`);
console.log(`  calls by kind:       ${byName}`);
console.log(`  region copies:       ${copies.size} in ${copyPhaseMs.toFixed(0)} ms; one after another they would take ${serialMs.toFixed(0)} ms (${(serialMs / copyPhaseMs).toFixed(2)}× overlap)`);
