import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runBake } from '../helpers/run-bake.js';

const examples = fileURLToPath(new URL('../../templates/examples/', import.meta.url));

describe('bake with HCL2 templates', () => {
  it('plan -json of an example gives the same row from its JSON and HCL2 forms (the build named as Packer names it)', async () => {
    const [json, hcl] = await Promise.all([
      runBake(['plan', '-json', join(examples, 'local-debian.json')]),
      runBake(['plan', '-json', join(examples, 'local-debian.pkr.hcl')]),
    ]);
    expect([json.code, hcl.code]).toEqual([0, 0]);
    const row = (out: string) => (JSON.parse(out) as { include: Record<string, unknown>[] }).include.map(({ template: _t, ...r }) => r);
    expect(row(hcl.stdout)).toEqual(row(json.stdout).map((r) => ({ ...r, name: `qemu.${r.name as string}` })));
  });

  it('a syntax error: file:line:col, the source line and a caret, exit 2, no stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-hcl2-cli-'));
    writeFileSync(join(dir, 't.pkr.hcl'), 'source "null" "a" {\n  communicator = "none" +\n}\n');
    const r = await runBake(['validate', join(dir, 't.pkr.hcl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`Error: ${join(dir, 't.pkr.hcl')}:2:26: expected an expression, found a newline\n  2 |   communicator = "none" +\n    |                          ^\n`);
  });

  it('validate, inspect and -only on a directory with an auto var file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-hcl2-cli-'));
    writeFileSync(join(dir, 'vars.pkr.hcl'), 'variable "who" {\n  type = string\n}\n');
    writeFileSync(join(dir, 'main.pkr.hcl'), 'source "null" "a" {\n  communicator = "none"\n}\nsource "null" "b" {\n  communicator = "none"\n}\nbuild {\n  sources = ["source.null.a", "source.null.b"]\n  provisioner "shell-local" {\n    inline = ["echo ${var.who}"]\n  }\n}\n');
    writeFileSync(join(dir, 'x.auto.pkrvars.hcl'), 'who = "me"\n');
    const v = await runBake(['validate', '-only=null.a', dir]);
    expect(v.stderr).toBe('');
    expect(v.stdout).toBe('The configuration is valid.\n');
    const none = await runBake(['validate', '-only=qemu.*', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('-only=qemu.* matches no build (builds: null.a, null.b)');
    const i = await runBake(['inspect', dir]);
    expect(i.stdout).toContain('var.who: "me"');
    expect(i.stdout).toContain('      null.a\n      null.b\n');
  });

  it('fmt: -check exits 3 naming the file, -diff -write=false changes nothing, -recursive reaches subdirectories, as packer fmt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-hcl2-fmt-'));
    mkdirSync(join(dir, 'sub'));
    const messy = 'variable "a" {\ntype = string\n    default = "x"\n}\n';
    const formatted = 'variable "a" {\n  type    = string\n  default = "x"\n}\n';
    writeFileSync(join(dir, 'ok.pkr.hcl'), formatted);
    writeFileSync(join(dir, 'sub', 'v.pkrvars.hcl'), 'a   =  "y"\n');
    writeFileSync(join(dir, 'sub', 'm.pkr.hcl'), messy);
    expect(await runBake(['fmt', '-check', dir])).toMatchObject({ code: 0, stdout: '' });
    const check = await runBake(['fmt', '-check', '-recursive', dir]);
    expect(check).toMatchObject({ code: 3, stdout: `${join(dir, 'sub', 'm.pkr.hcl')}\n${join(dir, 'sub', 'v.pkrvars.hcl')}\n` });
    const diff = await runBake(['fmt', '-diff', '-write=false', join(dir, 'sub', 'm.pkr.hcl')]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('-type = string\n-    default = "x"\n+  type    = string\n+  default = "x"\n');
    expect(readFileSync(join(dir, 'sub', 'm.pkr.hcl'), 'utf8')).toBe(messy);
    expect((await runBake(['fmt', '-recursive', dir])).code).toBe(0);
    expect(readFileSync(join(dir, 'sub', 'm.pkr.hcl'), 'utf8')).toBe(formatted);
    expect(readFileSync(join(dir, 'sub', 'v.pkrvars.hcl'), 'utf8')).toBe('a = "y"\n');
    expect(await runBake(['fmt', '-check', '-recursive', dir])).toMatchObject({ code: 0, stdout: '' });
  });
});
