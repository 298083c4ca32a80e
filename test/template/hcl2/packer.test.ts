import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BakeError } from '../../../src/core/errors.js';
import { registry } from '../../../src/plugins/registry.js';
import { evaluateConsoleExpression, evaluateHcl2Template, loadHcl2Template, type Hcl2LoadOptions } from '../../../src/template/hcl2/index.js';

function write(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'bake-hcl2-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const NULL_SOURCE = 'source "null" "a" {\n  communicator = "none"\n}\n';
const load = (dir: string, options: Partial<Hcl2LoadOptions> = {}) => loadHcl2Template(dir, { registry, env: {}, ...options });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('did not fail'); }, (e: Error) => e.message);

describe("Packer's HCL2 semantics", () => {
  it('variables: default < PKR_VAR_ < *.auto.pkrvars < -var-file in order < -var, converted to their type', async () => {
    const vars = ['a', 'b', 'c', 'd', 'e'].map((n) => `variable "${n}" {\n  type = number\n  default = 0\n}\n`).join('');
    const dir = write({
      't.pkr.hcl': `${vars}${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n`,
      'x.auto.pkrvars.hcl': 'b = 2\nc = 2\nd = 2\ne = 2\n',
      'one.pkrvars.hcl': 'c = 3\nd = 3\ne = 3\n',
      'two.json': '{"d": 4, "e": 4}',
    });
    const plan = await load(dir, { env: { PKR_VAR_a: '1', PKR_VAR_b: '1' }, varFiles: [join(dir, 'one.pkrvars.hcl'), join(dir, 'two.json')], vars: { e: '5' } });
    expect(plan.variables.map((v) => `${v.name}=${v.value}`)).toEqual(['a=1', 'b=2', 'c=3', 'd=4', 'e=5']);
  });

  it('a value that does not match the type, a -var not declared, a block in a var file', async () => {
    const dir = write({
      't.pkr.hcl': `variable "n" {\n  type = list(string)\n  default = "x"\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n`,
      'bad.pkrvars.hcl': 'variable "q" {}\n',
    });
    const text = await failure(load(dir, { vars: { nope: '1' }, varFiles: [join(dir, 'bad.pkrvars.hcl')] }));
    expect(text).toContain('t.pkr.hcl:3:13: the value of variable "n" does not match its type list(string): list of string required, got string');
    expect(text).toContain('-var nope: variable "nope" is not declared in the template');
    expect(text).toContain('bad.pkrvars.hcl:1:1: a var file sets values (name = value); declare variable "q" in a .pkr.hcl file');
  });

  it('type constraints convert values (object with optional defaults, tuple, set, map); nullable = false refuses null; path, packer and hcp_packer_registry', async () => {
    const dir = write({
      't.pkr.hcl': [
        'variable "disk" {\n  type    = object({ size = number, format = optional(string, "qcow2"), tags = optional(map(string)) })\n  default = { size = "10" }\n}',
        'variable "pair" {\n  type    = tuple([string, number])\n  default = ["a", "2"]\n}',
        'variable "zones" {\n  type    = set(string)\n  default = ["b", "a", "b"]\n}',
        'variable "sizes" {\n  type    = map(number)\n  default = { small = "1" }\n}',
        'variable "name" {\n  type     = string\n  default  = "x"\n  nullable = false\n}',
        `locals {\n  disk = var.disk\n  pair = var.pair\n  zones = var.zones\n  sizes = var.sizes\n  where = "\${path.root}|\${path.cwd}|\${packer.version}"\n}`,
        `${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n  hcp_packer_registry {\n    bucket_name = "b"\n  }\n}\n`,
      ].join('\n'),
    });
    const t = await evaluateHcl2Template(dir, { registry, env: {} });
    const local = t.ctx.variables.local as Record<string, unknown>;
    expect(local.disk).toEqual({ size: 10, format: 'qcow2', tags: null });
    expect(local.pair).toEqual(['a', 2]);
    expect(local.zones).toEqual(['a', 'b']);
    expect(evaluateConsoleExpression(t, 'local.sizes.small + 1')).toBe('2');
    expect(local.where).toBe(`${dir}|${process.cwd()}|1.9.5`);
    const plan = await load(dir);
    expect(plan.warnings).toEqual([`${join(dir, 't.pkr.hcl')}:34:3: hcp_packer_registry: ignored (bake publishes no metadata to HCP Packer)`]);
    const refused = await failure(load(dir, { vars: { pair: '["a", "not a number"]' } }));
    expect(refused).toMatch(/-var pair: .*number required/);
    const nulled = write({ 't.pkr.hcl': `variable "name" {\n  type     = string\n  nullable = false\n  default  = null\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n` });
    expect(await failure(load(nulled))).toMatch(/t\.pkr\.hcl:1:1: variable "name" must not be null \(nullable = false\)/);
  });

  it('locals and data sources form one graph, in any file order; a cycle is reported with its chain', async () => {
    const ok = write({
      'a.pkr.hcl': 'locals {\n  b = "${local.a}-b"\n  c = data.null.d.output\n}\n',
      'b.pkr.hcl': `locals {\n  a = "a"\n}\ndata "null" "d" {\n  input = upper(local.b)\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n`,
    });
    const t = await evaluateHcl2Template(ok, { registry, env: {} });
    expect(t.diags.errors).toEqual([]);
    expect(evaluateConsoleExpression(t, 'local.c')).toBe('"A-B"');
    expect(evaluateConsoleExpression(t, '[for s in split("-", local.c) : lower(s)]')).toBe('[\n  "a",\n  "b",\n]');
    const cycle = write({ 't.pkr.hcl': `locals {\n  x = local.y\n  y = "\${local.x}"\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n` });
    expect(await failure(load(cycle))).toMatch(/local\.x depends on itself: local\.x → local\.y → local\.x/);
  });

  it('validate does not read data sources: their outputs are unknown and what uses them is checked around them', async () => {
    const dir = write({
      't.pkr.hcl': 'data "null" "img" {\n  input = "ami-123"\n}\nsource "amazon-ebs" "a" {\n  region = "eu-west-1"\n  instance_type = "t3.micro"\n  ssh_username = "admin"\n  ami_name = "img-x"\n  source_ami = data.null.img.output\n}\nbuild {\n  sources = ["source.amazon-ebs.a"]\n}\n',
    });
    const plan = await load(dir, { readData: false });
    expect(plan.builds).toEqual([]);
    expect(plan.skippedBuilds).toEqual(['amazon-ebs.a']);
    const read = await load(dir);
    expect(read.builds.map((b) => b.name)).toEqual(['amazon-ebs.a']);
    expect(read.builds[0].fingerprint!.template.builder.source_ami).toBe('ami-123');
  });

  it('a data source that fails when the run reads it stops the run at its block, exit 1 (a run-time failure, not a template error)', async () => {
    const dir = write({ 't.pkr.hcl': `data "flaky" "meta" {\n  url = "http://127.0.0.1:1/meta"\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n` });
    const flaky = { type: 'flaky', schema: { type: 'object', properties: { url: { type: 'string' } } }, outputs: ['body'], read: async () => { throw new Error('GET http://127.0.0.1:1/meta: connection refused'); } };
    const err = await load(dir, { dataSources: new Map([['flaky', flaky]]) }).then(() => undefined, (e: BakeError) => e);
    expect(err).toBeInstanceOf(BakeError);
    expect(err!.exitCode).toBe(1);
    expect(err!.message.split('\n')[0]).toBe(`${join(dir, 't.pkr.hcl')}:1:1: data "flaky" "meta": GET http://127.0.0.1:1/meta: connection refused`);
    // validate does not read it.
    expect((await load(dir, { readData: false, dataSources: new Map([['flaky', flaky]]) })).builds.map((b) => b.name)).toEqual(['null.a']);
  });

  it('a data source type bake lacks is an error at its block', async () => {
    const dir = write({ 't.pkr.hcl': `data "sshkey" "k" {}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n` });
    expect(await failure(load(dir))).toMatch(/t\.pkr\.hcl:1:1: data source type "sshkey" is not supported by bake \(bake's data sources: amazon-ami, amazon-parameterstore, amazon-secretsmanager, host-info, http, null\)/);
  });

  it("a build's source block is merged with the source; a field set in both is an error", async () => {
    const base = 'source "null" "a" {\n  communicator = "none"\n}\n';
    const ok = write({ 't.pkr.hcl': `${base}build {\n  name = "b"\n  source "source.null.a" {\n    name = "local"\n  }\n  provisioner "shell-local" {\n    inline = ["echo \${source.name} \${build.name}"]\n    override = {\n      local = { inline = ["echo overridden"] }\n    }\n  }\n}\n` });
    const plan = await load(ok);
    expect(plan.builds.map((b) => b.name)).toEqual(['b.null.local']);
    expect(plan.builds[0].fingerprint!.provisioners[0].inline).toEqual(['echo overridden']);
    const clash = write({ 't.pkr.hcl': `${base}build {\n  source "null.a" {\n    communicator = "ssh"\n  }\n}\n` });
    expect(await failure(load(clash))).toMatch(/t\.pkr\.hcl:6:5: "communicator" is already set in source "null" "a" at .*t\.pkr\.hcl:2; set it in one place/);
  });

  it('plugin schema errors point at the HCL2 attribute, not at a JSON path', async () => {
    const dir = write({ 't.pkr.hcl': 'source "null" "a" {\n  communicator = "none"\n  ssh_port     = "many"\n}\nbuild {\n  sources = ["source.null.a"]\n  provisioner "shell-local" {\n    inlin = ["x"]\n  }\n}\n' });
    const text = await failure(load(dir));
    expect(text).toContain('t.pkr.hcl:3:3: source "null" "a": ssh_port: must be an integer\n  3 |   ssh_port     = "many"\n    |   ^^^^^^^^^^^^^^^^^^^^^');
    expect(text).toMatch(/t\.pkr\.hcl:8:5: provisioner "shell-local": inlin: unknown key; did you mean "inline"\?/);
  });

  it('"sbom" on a source: false, "required" or the default; anything else is an error at the attribute', async () => {
    const sources = 'source "null" "off" {\n  communicator = "none"\n  sbom = false\n}\nsource "null" "strict" {\n  ssh_host = "127.0.0.1"\n  ssh_username = "root"\n  ssh_password = "pw"\n  sbom = "required"\n}\n';
    const dir = write({ 't.pkr.hcl': `${sources}${NULL_SOURCE}build {\n  sources = ["source.null.off", "source.null.strict", "source.null.a"]\n}\n` });
    expect((await load(dir)).builds.map((b) => [b.name, b.sbom])).toEqual([['null.off', false], ['null.strict', 'required'], ['null.a', true]]);
    const bad = write({ 't.pkr.hcl': 'source "null" "a" {\n  communicator = "none"\n  sbom = "yes"\n}\nbuild {\n  sources = ["source.null.a"]\n}\n' });
    expect(await failure(load(bad))).toMatch(/^.*t\.pkr\.hcl:3:3: source "null" "a": sbom: must be true, false or "required"/);
    const blind = write({ 't.pkr.hcl': 'source "null" "a" {\n  communicator = "none"\n  sbom = "required"\n}\nbuild {\n  sources = ["source.null.a"]\n}\n' });
    expect(await failure(load(blind))).toMatch(/t\.pkr\.hcl:3:3: source "null" "a": sbom: "required" needs a communicator to list the image's packages, and this build has "communicator": "none"/);
  });

  it('notes at their attributes: one for the required plugins bake lacks, one per reason for the options it ignores', async () => {
    const plugin = (name: string) => `    ${name} = {\n      version = ">= 1.0.0"\n      source  = "github.com/hashicorp/${name}"\n    }\n`;
    const dir = write({
      't.pkr.hcl': `packer {\n  required_plugins {\n${plugin('qemu')}${plugin('virtualbox')}${plugin('vmware')}  }\n}\n` +
        'source "qemu" "vm" {\n  iso_url          = "debian.iso"\n  iso_checksum     = "none"\n  ssh_username     = "vagrant"\n' +
        '  vnc_bind_address = "0.0.0.0"\n  vnc_port_min     = 5000\n  vnc_port_max     = 5010\n  iso_skip_cache   = false\n  winrm_username   = "vagrant"\n}\n' +
        'build {\n  sources = ["source.qemu.vm"]\n}\n',
    });
    const plan = await load(join(dir, 't.pkr.hcl'));
    expect(plan.warnings.map((w) => w.replace(`${dir}/`, ''))).toEqual([
      't.pkr.hcl:7:5: required_plugins: bake has nothing of the plugins "virtualbox" (github.com/hashicorp/virtualbox), "vmware" (github.com/hashicorp/vmware); builds that use them need -only/-except to leave them out',
      't.pkr.hcl:21:3: source "qemu" "vm": vnc_bind_address, vnc_port_min, vnc_port_max: not supported by bake\'s qemu builder: bake always runs QEMU headless, without VNC, and types boot_command through QMP (ignored)',
      't.pkr.hcl:24:3: source "qemu" "vm": iso_skip_cache: ignored, as it is set to Packer\'s default',
      't.pkr.hcl:25:3: source "qemu" "vm": winrm_username: ignored, as the communicator is "ssh", not "winrm"',
    ]);
  });

  it('provisioner common keys, post-processor chains and -only globs', async () => {
    const dir = write({
      't.pkr.hcl': `${NULL_SOURCE}source "null" "b" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.a", "source.null.b"]\n  provisioner "shell-local" {\n    inline = ["true"]\n    pause_before = "2s"\n    max_retries = 3\n    timeout = "1m"\n    only = ["null.a"]\n  }\n  post-processors {\n    post-processor "checksum" {\n      checksum_types = ["sha256"]\n    }\n    post-processor "manifest" {\n      output = "m.json"\n    }\n  }\n  post-processor "shell-local" {\n    dynamic "env" {\n      for_each = {A = "1"}\n      content {\n        x = env.value\n      }\n    }\n    inline = ["true"]\n  }\n}\n`,
    });
    const fixed = write({ 't.pkr.hcl': (await import('node:fs')).readFileSync(join(dir, 't.pkr.hcl'), 'utf8').replace(/    dynamic "env" \{[^]*?\n    \}\n    \}\n/, '') });
    const plan = await load(fixed, { only: ['null.*'] });
    const a = plan.builds.find((b) => b.name === 'null.a')!;
    expect(a.provisioners.map((p) => [p.type, p.pauseBeforeMs, p.maxRetries, p.timeoutMs])).toEqual([['shell-local', 2000, 3, 60000]]);
    expect(plan.builds.find((b) => b.name === 'null.b')!.provisioners).toEqual([]);
    expect(a.postProcessorChains.map((c) => c.map((p) => p.type))).toEqual([['checksum', 'manifest'], ['shell-local']]);
  });

  it('dynamic blocks expand into the blocks a plugin takes, as a list where its schema has one', async () => {
    const dir = write({
      't.pkr.hcl': 'variable "disks" {\n  default = ["/dev/sdb", "/dev/sdc"]\n}\nsource "amazon-ebs" "a" {\n  region = "eu-west-1"\n  instance_type = "t3.micro"\n  ssh_username = "admin"\n  ami_name = "img-x"\n  source_ami = "ami-1"\n  dynamic "launch_block_device_mappings" {\n    for_each = var.disks\n    iterator = d\n    content {\n      device_name = d.value\n      volume_size = 10 + d.key\n    }\n  }\n}\nbuild {\n  sources = ["source.amazon-ebs.a"]\n}\n',
    });
    const plan = await load(dir);
    expect(plan.builds[0].fingerprint!.template.builder.launch_block_device_mappings).toEqual([
      { device_name: '/dev/sdb', volume_size: 10 },
      { device_name: '/dev/sdc', volume_size: 11 },
    ]);
  });

  it('errors: unknown block, unsupported function, undeclared variable, required_version', async () => {
    const dir = write({ 't.pkr.hcl': `packer {\n  required_version = ">= 2.0"\n}\nsorce "null" "a" {}\nlocals {\n  a = bcrypt("x")\n  b = var.nope\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n}\n` });
    const text = await failure(load(dir));
    expect(text).toContain('t.pkr.hcl:2:22: this template requires Packer >= 2.0; bake reads templates as Packer 1.9.5 does');
    expect(text).toContain('t.pkr.hcl:4:1: unknown block type "sorce"; did you mean "source"?');
    expect(text).toContain('t.pkr.hcl:6:7: function bcrypt is not supported by bake');
    expect(text).toContain('t.pkr.hcl:7:7: variable "nope" is not declared; declare it in a variable "nope" block');
  });

  it('reads HCL JSON syntax (.pkr.json)', async () => {
    const dir = write({
      't.pkr.json': JSON.stringify({
        variable: { greeting: { type: 'string', default: 'hi' } },
        source: { null: { a: { communicator: 'none' } } },
        build: { sources: ['source.null.a'], provisioner: [{ 'shell-local': { inline: ['echo ${var.greeting} ${source.name}'] } }] },
      }),
    });
    const plan = await load(join(dir, 't.pkr.json'));
    expect(plan.builds[0].fingerprint!.provisioners[0].inline).toEqual(['echo hi a']);
  });

  it('sensitive variables and locals are redacted in errors and listed for the event bus', async () => {
    const dir = write({ 't.pkr.hcl': `variable "token" {\n  default = "s3cr3t-tok"\n  sensitive = true\n}\nlocal "key" {\n  expression = "k3y-\${var.token}"\n  sensitive = true\n}\n${NULL_SOURCE}build {\n  sources = ["source.null.a"]\n  provisioner "shell-local" {\n    inline = [local.key]\n    max_retries = "\${var.token}"\n  }\n}\n` });
    const text = await failure(load(dir));
    expect(text).not.toContain('s3cr3t-tok');
    const t = await evaluateHcl2Template(dir, { registry, env: {} });
    expect(t.sensitiveValues).toEqual(expect.arrayContaining(['s3cr3t-tok', 'k3y-s3cr3t-tok']));
    expect(evaluateConsoleExpression(t, 'local.key')).toBe('"<sensitive>"');
  });
});
