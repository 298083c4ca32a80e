import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageList } from '../helpers/disk-image.js';
import { ed25519KeysIn } from '../helpers/host-keys-in-image.js';
import { runBake } from '../helpers/run-bake.js';
import { validateCycloneDx } from '../sbom/validate.js';
import { baseImage, freePort, isolatedCache, qemuProcessesFor, readGuestFile, workDirs, writeTemplate } from './qemu-harness.js';

// Each boot is a real Debian guest under QEMU (TCG on machines without KVM: a minute or more).
const BOOT_MS = 15 * 60_000;

let dir: string;
let cache: ReturnType<typeof isolatedCache>;
beforeAll(async () => {
  const image = await baseImage();
  dir = mkdtempSync(join(tmpdir(), 'bake-it-qemu-'));
  cache = isolatedCache(dir, image);
}, 40 * 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qemu builder through bake build', () => {
  it('bakes a provisioned (shell, file, ansible), zstd-compressed qcow2 (ACPI power-off) and leaves no VM, key or work files behind', async () => {
    writeFileSync(join(dir, 'motd'), 'baked by the integration test\n');
    // Real ansible-playbook against the guest, over the build's own SSH login: facts, a task and its handler.
    writeFileSync(join(dir, 'site.yml'), [
      '- hosts: all',
      '  become: true',
      '  tasks:',
      '    - name: Write the role file',
      '      copy: { content: "web {{ ansible_distribution }}\\n", dest: /etc/bake-role, mode: "0644" }',
      '      notify: Mark the handler',
      '  handlers:',
      '    - name: Mark the handler',
      '      copy: { content: "handled\\n", dest: /etc/bake-handler }',
      '',
    ].join('\n'));
    const out = join(dir, 'out-ok');
    const before = workDirs();
    const template = writeTemplate(
      dir,
      { output_directory: out, vm_name: 'image.qcow2', disk_size: '3G', disk_compression: true, shutdown_timeout: '3m', ssh_timeout: '12m' },
      [
        { type: 'file', source: join(dir, 'motd'), destination: '/tmp/motd' },
        { type: 'shell', inline: ['sudo install -m 0644 /tmp/motd /etc/motd', 'echo "$(id -un) was here" | sudo tee /etc/bake-marker'] },
        { type: 'ansible', playbook_file: join(dir, 'site.yml') },
      ],
    );
    const run = await runBake(['build', template], { cwd: dir, env: cache.env, timeoutMs: BOOT_MS });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const image = join(out, 'image.qcow2');
    expect(run.stdout).toContain(`VM image (qcow2, `);
    expect(run.stdout).toContain('Powering off the virtual machine (ACPI, through QMP)');
    expect(run.stdout).toContain('Converting the image (compressed with zstd)');
    const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', image], { encoding: 'utf8' }));
    expect(info.format).toBe('qcow2');
    expect(info['virtual-size']).toBe(3 * 1024 ** 3);
    expect(info['format-specific'].data['compression-type']).toBe('zstd');
    expect(info['backing-filename']).toBeUndefined();
    expect(readGuestFile(image, '/etc/motd')).toBe('baked by the integration test\n');
    expect(readGuestFile(image, '/etc/bake-marker')).toBe('debian was here\n');
    expect(readGuestFile(image, '/etc/bake-role')).toBe('web Debian\n');
    expect(readGuestFile(image, '/etc/bake-handler')).toBe('handled\n');
    // The SBOM (listed over the guest's SSH after ansible, before the power-off) and the provenance beside the image.
    expect(run.stdout).toMatch(/SBOM: \d{3} packages \(dpkg\), Debian GNU\/Linux 12 \(bookworm\) in [\d.]+ s/);
    const sbom = readFileSync(join(out, 'sbom.cdx.json'), 'utf8');
    expect(await validateCycloneDx(sbom)).toBeNull();
    expect(JSON.parse(sbom).components.some((c: { name: string }) => c.name === 'openssh-server')).toBe(true);
    const statement = JSON.parse(Buffer.from(JSON.parse(readFileSync(join(out, 'provenance.intoto.jsonl'), 'utf8')).payload, 'base64').toString());
    const sha256 = (file: string) => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    expect(statement.subject).toEqual([{ name: 'image.qcow2', digest: { sha256: sha256(image) } }]);
    expect(statement.predicate.buildDefinition.externalParameters.builderType).toBe('qemu');
    expect(statement.predicate.buildDefinition.resolvedDependencies[1]).toMatchObject({ name: 'source-image', uri: expect.stringMatching(/^file:\/\/\//), digest: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    expect(qemuProcessesFor(out)).toEqual([]);
    expect(cache.openResources()).toEqual([]);
    expect(workDirs().filter((d) => !before.includes(d))).toEqual([]);
    expect(run.stdout + run.stderr).not.toContain('PRIVATE KEY');
    // The guest presented the host key bake seeded, and the image keeps neither it nor cloud-init's copy.
    const pinned = new RegExp(`SSH host key (SHA256:\\S+) \\(ED25519\\) of \\[127\\.0\\.0\\.1\\]:\\d+ verified \\(pinned\\)`).exec(run.stdout)?.[1];
    expect(pinned, run.stdout).toBeDefined();
    expect(run.stdout).toContain('Removing the SSH host key bake gave the guest');
    const raw = join(dir, 'ok.raw');
    execFileSync('qemu-img', ['convert', '-O', 'raw', image, raw]);
    try {
      expect(imageList(raw, '/etc/ssh').filter((n) => n.startsWith('ssh_host_'))).toEqual([]);
      expect(imageList(raw, '/var/lib/cloud/instances')).toEqual([]);
      // Free blocks included: the key was never written where cloud-init keeps copies, and shredded where it was.
      expect(ed25519KeysIn(raw).get(pinned!), 'byte offsets of the pinned key in the raw image').toBeUndefined();
    } finally {
      rmSync(raw, { force: true });
    }
  }, BOOT_MS);

  // One boot for both ways a failed build ends: -on-error=abort keeps it (bake exits at once, the
  // guest reachable over the printed ssh line), then the printed `bake cleanup` does what the
  // default -on-error=cleanup does in-process: stops the VM, removes the half-made output and the key.
  it('a failing provisioner with -on-error=abort: bake exits at once, the printed ssh line logs in, the printed bake cleanup stops the VM and removes the half-made output and key', async () => {
    const out = join(dir, 'out-fail');
    const template = writeTemplate(dir, { output_directory: out, ssh_timeout: '12m' }, [{ type: 'shell', inline: ['echo about to fail >&2; exit 7'] }]);
    let failedAt = 0;
    const run = await runBake(['build', '-on-error=abort', template], {
      cwd: dir,
      env: cache.env,
      timeoutMs: BOOT_MS,
      onStdout: (chunk) => {
        if (!failedAt && /exited with 7/.test(chunk)) failedAt = Date.now();
      },
    });
    const exitedAfterMs = Date.now() - failedAt;
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toMatch(/shell provisioner: inline\[0\] .* exited with 7: about to fail/);
    expect(failedAt).toBeGreaterThan(0);
    // Before abort exited, bake sat here holding QEMU's pipes until killed.
    expect(exitedAfterMs, output).toBeLessThan(20_000);
    expect(run.stdout).toContain("==> qemu: Warning: -on-error=abort: this build's resources are left in place for inspection");
    expect(qemuProcessesFor(out)).toHaveLength(1);
    expect(existsSync(out)).toBe(true);

    const ssh = /==> qemu: The guest: (ssh .*)\n/.exec(run.stdout)?.[1];
    expect(ssh, run.stdout).toMatch(/^ssh -i '?(\S+?)'? -o StrictHostKeyChecking=no -o UserKnownHostsFile=\/dev\/null -p \d+ debian@127\.0\.0\.1$/);
    const keyFile = /-i '?([^' ]+)'?/.exec(ssh!)![1];
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const login = ssh!.replace(/^ssh /, 'ssh -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=20 ');
    expect(execFileSync('sh', ['-c', `${login} id -un`], { encoding: 'utf8', timeout: 60_000 })).toBe('debian\n');

    const cleanup = /(bake cleanup --build-id \S+(?: --journal \S+)?)/.exec(run.stdout)?.[1];
    expect(cleanup, run.stdout).toBeDefined();
    const removed = await runBake(cleanup!.split(' ').slice(1), { cwd: dir, env: cache.env, timeoutMs: 120_000 });
    expect(removed.code, removed.stdout + removed.stderr).toBe(0);
    expect(qemuProcessesFor(out)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(keyFile)).toBe(false);
    expect(cache.openResources()).toEqual([]);
  }, BOOT_MS);

  it('Ctrl-C while the guest boots kills QEMU and removes the output', async () => {
    const out = join(dir, 'out-int');
    const template = writeTemplate(dir, { output_directory: out }, []);
    let sent = false;
    const run = await runBake(['build', template], {
      cwd: dir,
      env: cache.env,
      timeoutMs: 120_000,
      onStdout: (_chunk, child) => {
        if (!sent && /Waiting for SSH/.test(_chunk)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(sent).toBe(true);
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('Interrupted: cancelling builds and cleaning up...');
    expect(run.stdout).toMatch(/Stopping QEMU \(pid \d+\)/);
    expect(existsSync(out)).toBe(false);
    expect(qemuProcessesFor(out)).toEqual([]);
    expect(cache.openResources()).toEqual([]);
  }, 180_000);

  it('a guest whose SSH never answers fails at ssh_timeout with its console quoted, nothing left running', async () => {
    const out = join(dir, 'out-nossh');
    // The forwarded port leads to a guest port nothing listens on.
    const port = await freePort();
    const template = writeTemplate(
      dir,
      { output_directory: out, ssh_timeout: '20s', host_port_min: port, host_port_max: port, qemuargs: [['-netdev', `user,id=user.0,hostfwd=tcp:127.0.0.1:${port}-:2`]] },
      [],
    );
    const run = await runBake(['build', template], { cwd: dir, timeoutMs: 180_000 });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/qemu: ssh: timed out after 20s \(ssh_timeout\) connecting to 127\.0\.0\.1:\d+: .*; the guest's console ends with: /);
    expect(existsSync(out)).toBe(false);
    expect(qemuProcessesFor(out)).toEqual([]);
  }, 180_000);

  it('refuses an existing output directory before starting anything', async () => {
    const out = join(dir, 'out-exists');
    execFileSync('mkdir', ['-p', out]);
    const run = await runBake(['build', writeTemplate(dir, { output_directory: out }, [])], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain(`qemu: output directory ${out} already exists: remove it, set output_directory, or run with -force`);
    expect(existsSync(out)).toBe(true);
  });
});
