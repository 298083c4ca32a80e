import type { ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';
import type { Ec2Server } from '../fakes/ec2/index.js';
import { ebsSshBuilder, ec2WithSshd } from '../helpers/ec2-sshd.js';
import { runBake } from '../helpers/run-bake.js';

// BAKE_TEST_POLL_MS: the fake EC2 changes a resource's state at each poll, so bake polls it without pausing.

// The real `bake` CLI in a child process, reaching the EC2 fake through custom_endpoint_ec2 on
// loopback (BAKE_AWS_LOOPBACK_ONLY=1 and dummy keys come from isolateAws via the environment).
const aws = ec2WithSshd();
let server: Ec2Server;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-ebs-cli-'));
  server = await aws.startServer();
  server.fake.addImage('us-east-1', 'ubuntu/images/hvm-ssd/noble');
});
afterEach(() => server?.close());

function builder() {
  return {
    type: 'amazon-ebs',
    custom_endpoint_ec2: server.url,
    ...ebsSshBuilder(aws.sshd),
    ami_name: 'web-{{timestamp}}',
    ami_regions: ['eu-west-1', 'ap-southeast-2'],
    encrypt_boot: true,
  };
}

function template(): string {
  const file = join(dir, 'packer.json');
  writeFileSync(file, JSON.stringify({ builders: [builder()], provisioners: [{ type: 'shell', inline: ['echo provisioned by the CLI'] }] }));
  return file;
}

/** An ECDSA P-256 key pair in PEM files: the private key for -sign-key, the public one for bake verify. */
function keyPair(name: string): { key: string; pub: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const key = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub.pem`);
  writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { key, pub };
}

describe('bake build with amazon-ebs (CLI)', () => {
  it('bakes an encrypted AMI copied to two regions and leaves nothing behind', async () => {
    const run = await runBake(['build', template()], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('provisioned by the CLI');
    const images = [...server.fake.images.values()].filter((i) => i.name.startsWith('web-'));
    expect(images.map((i) => i.region).sort()).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(images.every((i) => i.encrypted)).toBe(true);
    for (const i of images) expect(run.stdout).toContain(`${i.region}: ${i.id}`);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);

    // The SBOM was collected over the real sshd, kept in the run's folder, and each AMI (and copy) names it.
    expect(run.stdout).toMatch(/SBOM: \d+ packages \(dpkg/);
    const kept = readdirSync(join(dir, 'runs'), { recursive: true }).map(String).filter((f) => f.endsWith('sbom.cdx.json'));
    expect(kept).toEqual([expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]+\/amazon-ebs\/sbom\.cdx\.json$/)]);
    const sbom = readFileSync(join(dir, 'runs', kept[0]));
    expect(JSON.parse(sbom.toString()).components.some((c: { name: string }) => c.name === 'openssh-server')).toBe(true);
    const sha = createHash('sha256').update(sbom).digest('hex');
    for (const i of images) expect(i.tags).toContainEqual({ Key: 'bake:sbom-sha256', Value: sha });
    const prov = JSON.parse(readFileSync(join(dir, 'runs', kept[0].replace('sbom.cdx.json', 'provenance.intoto.jsonl')), 'utf8'));
    const statement = JSON.parse(Buffer.from(prov.payload, 'base64').toString());
    expect(statement.subject.map((s: { name: string }) => s.name).sort()).toEqual(images.map((i) => `${i.region}:${i.id}`).sort());
  });

  it('-sign-key: bake verify --image names each AMI, and says in one line (exit 1) a changed statement, another key or another AMI; bake diff finds SBOMs by AMI id', async () => {
    const { key, pub } = keyPair('sign');
    const file = join(dir, 'signed.json');
    const secret = 'hunter2-kept-out-of-the-provenance';
    writeFileSync(
      file,
      JSON.stringify({
        variables: { team: 'web', db_password: secret },
        'sensitive-variables': ['db_password'],
        builders: [builder()],
        provisioners: [{ type: 'shell', environment_vars: ['DB_PASSWORD={{user `db_password`}}'], inline: ['test -n "$DB_PASSWORD"'] }],
      }),
    );
    const env = { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' };
    const run = await runBake(['build', '-sign-key', key, file], { cwd: dir, env, timeoutMs: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const images = [...server.fake.images.values()].filter((i) => i.name.startsWith('web-'));
    expect(images).toHaveLength(3);
    const kept = readdirSync(join(dir, 'runs'), { recursive: true }).map(String).find((f) => f.endsWith('provenance.intoto.jsonl'))!;
    const prov = join(dir, 'runs', kept);
    expect(run.stdout).toContain(`(provenance signed with ${key})`);

    // The statement names the template's variables, the sensitive one by name only.
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(prov, 'utf8')).payload, 'base64').toString());
    expect(statement.predicate.buildDefinition.externalParameters).toMatchObject({ builderType: 'amazon-ebs', variables: { team: 'web' }, sensitiveVariables: ['db_password'] });
    expect(JSON.stringify(statement)).not.toContain(secret);
    expect(statement.predicate.buildDefinition.resolvedDependencies[1]).toMatchObject({ name: 'source-image', uri: expect.stringMatching(/^arn:aws:ec2:us-east-1::image\/ami-/) });

    // Each AMI, in its region, is a subject of the DSSE file and of the Sigstore bundle beside it.
    for (const provenance of [prov, prov.replace('provenance.intoto.jsonl', 'provenance.sigstore.json')]) {
      for (const image of images) {
        const ok = await runBake(['verify', provenance, '-key', pub, '--image', image.id], { env });
        expect(ok.stderr).toBe('');
        expect(ok.code).toBe(0);
        expect(ok.stdout).toMatch(new RegExp(`^${provenance}: verified: signed by ${pub}; subject ${image.region}:${image.id} is image ${image.id}; build amazon-ebs of run \\d{8}T\\d{6}Z-[0-9a-f]+ from ${file} \\(sha256 [0-9a-f]{12}…\\)\n$`));
      }
    }
    const names = images.map((i) => `${i.region}:${i.id}`);
    const other = await runBake(['verify', prov, '-key', pub, '--image', 'ami-0000000000000000f'], { env });
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(new RegExp(`^Error: ${prov}: the subject does not match: no subject is image ami-0000000000000000f \\(the statement names ([^,]+, ){2}[^,]+\\)\n$`));
    for (const n of names) expect(other.stderr).toContain(n);

    const envelope = JSON.parse(readFileSync(prov, 'utf8'));
    const payload = Buffer.from(envelope.payload, 'base64');
    payload[payload.indexOf('amazon-ebs')] = 'A'.charCodeAt(0);
    const tampered = join(dir, 'tampered.intoto.jsonl');
    writeFileSync(tampered, JSON.stringify({ ...envelope, payload: payload.toString('base64') }) + '\n');
    const changed = await runBake(['verify', tampered, '-key', pub, '--image', images[0].id], { env });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toBe(`Error: ${tampered}: the signature does not match the statement: it was changed after signing\n`);

    const another = keyPair('another');
    const wrongKey = await runBake(['verify', prov, '-key', another.pub, '--image', images[0].id], { env });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(new RegExp(`^Error: ${prov}: signed by another key \\(keyid [0-9a-f]{16}\\), not ${another.pub} \\(keyid [0-9a-f]{16}\\), or changed after signing\n$`));

    // Two AMIs of the run, found by their ids in the run record: the same packages.
    const diff = await runBake(['diff', '-exit-code', images[0].id, images[2].id], { env });
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/^(\d+) → \1 packages: 0 added, 0 removed, 0 changed\n$/);
  });

  it('a -sign-key that cannot sign stops the run in one line naming the file, before any EC2 call', async () => {
    const { key } = keyPair('encrypted');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right horse' }));
    const rsa = join(dir, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const env = { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' };
    for (const [k, passphrase, why] of [
      [key, 'wrong horse', 'wrong passphrase'],
      [key, undefined, 'the key is encrypted: set BAKE_SIGN_KEY_PASSPHRASE to its passphrase'],
      [rsa, undefined, 'rsa keys are not supported: use an ed25519 or ECDSA key'],
    ] as const) {
      const run = await runBake(['build', '-sign-key', k, template()], { cwd: dir, env: { ...env, BAKE_SIGN_KEY_PASSPHRASE: passphrase }, timeoutMs: 60_000 });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`Error: ${k}: -sign-key: ${why}\n`);
    }
    expect(server.fake.calls).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });

  it('killed with SIGKILL mid-build, then `bake cleanup` removes everything (the journal remembers the endpoint)', async () => {
    let child: ChildProcess | undefined;
    server.fake.faults.before = (command) => {
      if (command === 'StopInstances') child?.kill('SIGKILL');
    };
    const run = await runBake(['build', template()], {
      cwd: dir,
      env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' },
      timeoutMs: 60_000,
      onStdout: (_chunk, c) => (child = c),
    });
    expect(run.signal).toBe('SIGKILL');
    expect(server.fake.bakeTagged().length).toBeGreaterThanOrEqual(3);
    server.fake.faults.before = undefined;

    const journal = Journal.open(join(dir, 'journal.jsonl'));
    expect(journal.map((r) => [r.type, r.details])).toEqual(expect.arrayContaining([['aws:instance', { endpoint: server.url }]]));
    expect(journal.map((r) => r.type).sort()).toEqual(['aws:instance', 'aws:key-pair', 'aws:security-group']);

    const dry = await runBake(['cleanup', '--dry-run'], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
    expect(dry.code).toBe(0);
    expect(server.fake.bakeTagged()).toHaveLength(3);
    const cleanup = await runBake(['cleanup'], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000 });
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(server.fake.bakeTagged()).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });

  it('with the journal lost, `bake cleanup --region` finds the leftovers by their bake:build-id tag', async () => {
    let child: ChildProcess | undefined;
    server.fake.faults.before = (command) => {
      if (command === 'StopInstances') child?.kill('SIGKILL');
    };
    const run = await runBake(['build', template()], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000, onStdout: (_chunk, c) => (child = c) });
    expect(run.signal).toBe('SIGKILL');
    server.fake.faults.before = undefined;
    expect(server.fake.bakeTagged().length).toBeGreaterThanOrEqual(3);
    const elsewhere = { BAKE_CACHE_DIR: mkdtempSync(join(tmpdir(), 'bake-no-journal-')), AWS_ENDPOINT_URL_EC2: server.url };
    const cleanup = await runBake(['cleanup', '--region', 'us-east-1'], { cwd: dir, env: elsewhere, timeoutMs: 60_000 });
    expect(cleanup.stderr).toBe('');
    expect(cleanup.code).toBe(0);
    expect(cleanup.stdout).toContain('0 resource(s) left by earlier runs in the journal.');
    expect(server.fake.bakeTagged()).toEqual([]);
  });

  it('Ctrl-C (SIGINT) while the AMI is being made cleans up everything before exiting', async () => {
    let child: ChildProcess | undefined;
    server.fake.faults.before = (command) => {
      if (command === 'CreateImage') child?.kill('SIGINT');
    };
    const run = await runBake(['build', template()], { cwd: dir, env: { BAKE_CACHE_DIR: dir, BAKE_TEST_POLL_MS: '2' }, timeoutMs: 60_000, onStdout: (_chunk, c) => (child = c) });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('Deregistering unfinished AMI');
    expect(server.fake.bakeTagged()).toEqual([]);
    expect([...server.fake.images.values()].filter((i) => i.name.startsWith('web-') || i.name.startsWith('bake-'))).toEqual([]);
    expect(Journal.open(join(dir, 'journal.jsonl'))).toEqual([]);
  });
});
