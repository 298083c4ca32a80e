// amazon-chroot against amazon-ebs on moto (the AWS emulator), both through `bake build`, with the same
// source AMI, regions, tags, launch permission and shell provisioning (test/fixtures/moto/amazon-ebs.json,
// with its builder turned into an amazon-chroot one). amazon-ebs launches an "instance" whose SSH is a real
// sshd on loopback; amazon-chroot attaches a "volume" that is a loop device of bake's base image and
// provisions it in the chroot, with a loopback IMDSv2 server naming a moto instance as the build host.
// Prints the best wall time of each and the ratio amazon-chroot / amazon-ebs (expected well under 0.5x).
// Run as root: npm run build && node bench/amazon-chroot.mjs [runs]   (needs moto_server and loop devices)
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCEPT_OFFERED_KEY, motoServerPath, startMoto } from '../test/helpers/moto-launcher.mjs';
import { startSshd } from '../test/helpers/sshd-launcher.mjs';

const RUNS = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 3);
const BAKE = fileURLToPath(new URL('../bin/bake.js', import.meta.url));
const EBS_TEMPLATE = fileURLToPath(new URL('../test/fixtures/moto/amazon-ebs.json', import.meta.url));

const motoBin = motoServerPath();
if (!motoBin || process.getuid?.() !== 0 || !existsSync('/dev/loop-control')) {
  console.log('amazon-chroot vs amazon-ebs on moto: skipped, needs moto_server, root and loop devices');
  process.exit(0);
}
const { ensureBaseImage } = await import('../dist/local-image/index.js');
const { EventBus } = await import('../dist/core/events.js');

const work = mkdtempSync(join(tmpdir(), 'bake-bench-amazon-chroot-'));
const raw = join(work, 'volume.raw');
execFileSync('qemu-img', ['convert', '-O', 'raw', await ensureBaseImage(new EventBus().logger('base')), raw]);
const loop = execFileSync('losetup', ['-f', '--show', raw], { encoding: 'utf8' }).trim();
symlinkSync(loop, join(work, 'xvdf'));

const ebs = JSON.parse(readFileSync(EBS_TEMPLATE, 'utf8'));
const b = ebs.builders[0];
const chroot = {
  variables: { ...ebs.variables, device: '{{env `BAKE_MOTO_DEVICE`}}' },
  builders: [
    {
      type: 'amazon-chroot',
      custom_endpoint_ec2: b.custom_endpoint_ec2,
      source_ami_filter: b.source_ami_filter,
      ami_name: b.ami_name,
      ami_description: b.ami_description,
      ami_regions: b.ami_regions,
      ami_users: b.ami_users,
      tags: b.tags,
      snapshot_tags: b.snapshot_tags,
      device_path: '{{user `device`}}',
    },
  ],
  provisioners: ebs.provisioners,
};
const chrootTemplate = join(work, 'amazon-chroot.json');
writeFileSync(chrootTemplate, JSON.stringify(chroot, null, 2));

const moto = await startMoto(motoBin);
const sshd = await startSshd({ extraConfig: ACCEPT_OFFERED_KEY });
let host = '';
const imds = createServer((req, res) => {
  if (req.method === 'PUT') return res.end('token');
  const answers = { 'instance-id': host, 'placement/availability-zone': 'us-east-1a', 'placement/region': 'us-east-1' };
  const key = (req.url ?? '').replace(/^\/latest\/meta-data\//, '');
  if (key in answers) res.end(answers[key]);
  else res.writeHead(404).end();
});
await new Promise((r) => imds.listen(0, '127.0.0.1', r));

const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_CONFIG_FILE: join(work, 'none'),
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
  AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${imds.address().port}`,
  BAKE_MOTO_ENDPOINT: moto.url,
  BAKE_MOTO_SSH_PORT: String(sshd.port),
  BAKE_MOTO_DEVICE: join(work, 'xvdf'),
  BAKE_DEVICE_LOCK_DIR: join(work, 'locks'),
  BAKE_AWS_LOOPBACK_ONLY: '1',
  BAKE_CACHE_DIR: join(work, 'bake-cache'),
  BAKE_JOURNAL: join(work, 'journal.jsonl'),
  NO_COLOR: '1',
};

/** A moto instance for amazon-chroot to run on (moto forgets it at each reset). */
async function launchHost() {
  const { EC2Client, DescribeImagesCommand, RunInstancesCommand } = await import('@aws-sdk/client-ec2');
  const c = new EC2Client({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const [image] = (await c.send(new DescribeImagesCommand({ Owners: ['amazon'], Filters: [{ Name: 'name', Values: ['amzn2-ami-hvm-2.0.20180810-x86_64-gp2'] }] }))).Images;
  host = (await c.send(new RunInstancesCommand({ ImageId: image.ImageId, MinCount: 1, MaxCount: 1, Placement: { AvailabilityZone: 'us-east-1a' } }))).Instances[0].InstanceId;
  c.destroy();
}

function build(template) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [BAKE, 'build', template], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`${template} exited ${code}:\n${out}`))));
  });
}

const times = { 'amazon-ebs': [], 'amazon-chroot': [] };
try {
  for (let i = 0; i < RUNS; i++) {
    for (const [name, template] of [['amazon-ebs', EBS_TEMPLATE], ['amazon-chroot', chrootTemplate]]) {
      await moto.reset();
      await launchHost();
      times[name].push(await build(template));
    }
  }
} finally {
  await Promise.all([moto.stop(), sshd.stop()]);
  imds.close();
  execFileSync('losetup', ['-d', loop]);
  rmSync(work, { recursive: true, force: true });
}
const best = (l) => Math.min(...l) / 1000;
const [e, c] = [best(times['amazon-ebs']), best(times['amazon-chroot'])];
console.log(`amazon-chroot vs amazon-ebs on moto (best of ${RUNS}, same source AMI, 3 regions, tags, sharing, shell provisioning):`);
console.log(`  amazon-ebs    ${e.toFixed(2)} s   (all: ${times['amazon-ebs'].map((t) => (t / 1000).toFixed(2)).join(', ')})`);
console.log(`  amazon-chroot ${c.toFixed(2)} s   (all: ${times['amazon-chroot'].map((t) => (t / 1000).toFixed(2)).join(', ')})`);
console.log(`  ratio amazon-chroot / amazon-ebs: ${(c / e).toFixed(2)}x (target: well under 0.5x)`);
