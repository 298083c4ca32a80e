import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

/** What a Packer user types on the first day: the CLI answers as Packer would, or better. */
let dir: string;

function write(name: string, body: object | string): string {
  const path = join(dir, name);
  writeFileSync(path, typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return path;
}

const nullBuild = { type: 'null', communicator: 'none' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bake-e2e-habits-'));
});

describe('Packer habits', () => {
  it('shows a JSON syntax error with the line before, the line and a caret, as Packer', async () => {
    const t = write('bad.json', '{\n  "builders": [\n    {"type": "null", "communicator": "none"}\n    {"type": "null"}\n  ]\n}\n');
    const run = await runBake(['validate', t], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `Error: ${t}:4:5: expected ',' or ']', found token '{'\n` +
        '    3:     {"type": "null", "communicator": "none"}\n' +
        '    4:     {"type": "null"}\n' +
        '           ^\n',
    );
  });

  it("hints at backticks for {{user 'x'}}", async () => {
    const t = write('quote.json', { variables: { x: '1' }, builders: [{ ...nullBuild, name: "{{user 'x'}}" }] });
    const run = await runBake(['validate', t], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`Error: ${t}: builders[0].name: unexpected "'" in {{user 'x'}}: Go templates quote strings with backticks or double quotes, as in {{user \`x\`}}\n`);
  });

  it('echoes an unknown flag as typed and suggests the flag meant', async () => {
    const t = write('flags.json', { builders: [nullBuild] });
    const single = await runBake(['build', '-on-eror=abort', t], { cwd: dir });
    expect(single.code).toBe(2);
    expect(single.stderr).toBe("Error: unknown option '-on-eror=abort' (did you mean -on-error?)\n");
    const gnu = await runBake(['validate', '--syntax-onyl', t], { cwd: dir });
    expect(gnu.stderr).toBe("Error: unknown option '--syntax-onyl' (did you mean --syntax-only?)\n");
    const command = await runBake(['biuld', t], { cwd: dir });
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("Error: unknown command 'biuld' (did you mean build?)\n");
  });

  it('accepts -var and -var-file on inspect and shows the values they give', async () => {
    const t = write('vars.json', { variables: { region: null, size: '8', pw: 'x' }, 'sensitive-variables': ['pw'], builders: [nullBuild] });
    const file = write('vars-file.json', { size: '16' });
    const run = await runBake(['inspect', '-var', 'region=eu-west-1', '-var-file', file, '-var', 'pw=hunter2', t], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Required variables:\n\n  region = "eu-west-1"\n');
    expect(run.stdout).toContain('  size = "16"\n  pw   = <sensitive>\n');
    expect(run.stdout).not.toContain('hunter2');
  });

  it('reads a template from standard input with -, naming it <stdin>', async () => {
    const body = JSON.stringify({ builders: [nullBuild] });
    const validate = await runBake(['validate', '-'], { cwd: dir, input: body });
    expect(validate.stderr).toBe('');
    expect(validate.stdout).toBe('The configuration is valid.\n');
    const build = await runBake(['build', '-'], { cwd: dir, input: body });
    expect(build.code).toBe(0);
    expect(build.stdout).toContain("Build 'null' finished");
    const inspect = await runBake(['inspect', '-'], { cwd: dir, input: body });
    expect(inspect.stdout).toContain('Builds:\n\n  null\n');
    const bad = await runBake(['validate', '-'], { cwd: dir, input: JSON.stringify({ builders: [{ ...nullBuild, ssh_prot: 22 }] }) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Error: <stdin>: builders[0].ssh_prot: unknown key');
    const fmt = await runBake(['fmt', '-'], { cwd: dir, input: body });
    expect(fmt.stdout).toBe('{\n  "builders": [\n    {\n      "type": "null",\n      "communicator": "none"\n    }\n  ]\n}\n');
  });

  it('validate reads state files: a misspelled function and an undefined {{ .key }} both reported, the file named once', async () => {
    write('web.yaml', 'nginx:\n  pkg.instaled:\n    - name: nginx\nconf:\n  file.managed:\n    - name: /etc/x\n    - contents: "v={{ .versio }}"\n');
    const t = write('state.json', { builders: [nullBuild], provisioners: [{ type: 'state', state_file: 'web.yaml', vars: { version: '1' } }] });
    const run = await runBake(['validate', t], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'Error: web.yaml:7: template variable "versio" is not defined (did you mean "version"?) (known: version; set it in the provisioner\'s "vars")\n' +
        'Error: web.yaml: nginx: unknown function "pkg.instaled" (did you mean "pkg.installed"?)\n',
    );
  });

  it('honours PACKER_LOG (debug lines on the console) and PACKER_LOG_PATH (debug log in that file, console unchanged)', async () => {
    const t = write('log.json', { builders: [nullBuild] });
    const plain = await runBake(['build', t], { cwd: dir });
    expect(plain.stdout).not.toContain('step provision: started');
    const console = await runBake(['build', t], { cwd: dir, env: { PACKER_LOG: '1' } });
    expect(console.code).toBe(0);
    expect(console.stdout).toContain('    null: step provision: started');
    const path = join(dir, 'packer.log');
    const file = await runBake(['build', t], { cwd: dir, env: { PACKER_LOG: '1', PACKER_LOG_PATH: path } });
    expect(file.code).toBe(0);
    expect(file.stdout).not.toContain('step provision: started');
    expect(readFileSync(path, 'utf8')).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z:     null: step provision: started$/m);
  });

  it('lists the environment variables in bake --help', async () => {
    const run = await runBake(['--help']);
    expect(run.stdout).toMatch(/^Environment:\n {2}BAKE_CACHE_DIR /m);
    expect(run.stdout).toContain('PACKER_LOG_PATH');
  });

  it('-except that leaves out every build says so and exits 0, as Packer 1.6.6 does', async () => {
    const t = write('except.json', { builders: [nullBuild] });
    const run = await runBake(['build', '-except=null', t], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`==> Warning: no build to run: -only/-except leave out every build of ${t} (null); nothing was done\n`);
  });

  it('bake console evaluates expressions from arguments or standard input, with -var, as packer console', async () => {
    const t = write('console.json', { variables: { x: '1', y: '{{user `x`}}-2' }, builders: [nullBuild] });
    const args = await runBake(['console', t, '{{user `y`}}', 'upper `a`'], { cwd: dir });
    expect(args.stderr).toBe('');
    expect(args.stdout).toBe('1-2\nA\n');
    const stdin = await runBake(['console', '-var', 'x=7', t], { cwd: dir, input: '{{user `y`}}\n\n{{ nope }}\n{{ lower `B` }}\n' });
    expect(stdin.stdout).toBe('7-2\nb\n');
    expect(stdin.stderr).toBe('Error: unknown function "nope" in {{ nope }}\n');
    expect(stdin.code).toBe(1);
  });

  it('bake plan of local builds names the source image and output, and flags an output directory bake build would refuse', async () => {
    const out = join(dir, 'out-chroot');
    const t = write('local.json', { builders: [{ type: 'chroot', output_directory: out, iso_url: 'https://example.invalid/debian.qcow2', iso_checksum: 'none' }] });
    const fresh = await runBake(['plan', t], { cwd: dir });
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toContain('    chroot: source image: https://example.invalid/debian.qcow2\n');
    expect(fresh.stdout).toContain(`    chroot: output: ${out}/packer-chroot\n`);
    expect(fresh.stdout).not.toContain('creates nothing');
    mkdirSync(out);
    const taken = await runBake(['plan', t], { cwd: dir });
    expect(taken.code).toBe(1);
    expect(taken.stdout).toContain(`chroot: output directory ${out} already exists: \`bake build\` would refuse it; remove it, set output_directory, or build with -force`);

    // qemu also names the accelerator the build would use, and the machine's size.
    const q = write('local-qemu.json', { builders: [{ type: 'qemu', output_directory: join(dir, 'out-qemu'), iso_url: 'https://example.invalid/debian.qcow2', iso_checksum: 'none', disk_image: true, ssh_username: 'debian', cpus: 1, memory: 768 }] });
    const qemu = await runBake(['plan', q], { cwd: dir, env: { BAKE_KVM_DEVICE: join(dir, 'no-kvm') } });
    expect(qemu.code).toBe(0);
    expect(qemu.stdout).toContain(`==> qemu: Warning: qemu: KVM is not usable (${join(dir, 'no-kvm')} is missing or not accessible); using TCG (software emulation, much slower)\n`);
    expect(qemu.stdout).toContain('    qemu: accelerator: tcg (chosen: "accelerator" is unset), 1 CPU, 768 MiB, format qcow2\n');
  });
});
