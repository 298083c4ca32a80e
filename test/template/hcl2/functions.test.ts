import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile } from '../../../src/template/hcl2/parse-body.js';
import { ev, thrown } from './helpers.js';

describe('HCL2 functions', () => {
  it('strings', () => {
    expect(ev('regex_replace("a1b22", "[0-9]+", "-")')).toBe('a-b-');
    expect(ev('replace("a.b.c", ".", "/")')).toBe('a/b/c');
    expect(ev('replace("v1.2", "/v([0-9])/", "x$1")')).toBe('x1.2');
    expect(ev('substr("hello", 1, 3)')).toBe('ell');
    expect(ev('substr("hello", -3, -1)')).toBe('llo');
    expect(ev('split(",", "a,b")')).toEqual(['a', 'b']);
    expect(ev('join("-", ["a"], ["b", "c"])')).toBe('a-b-c');
    expect(ev('trimprefix("source.qemu.x", "source.")')).toBe('qemu.x');
    expect(ev('trimsuffix("a.iso", ".iso")')).toBe('a');
    expect(ev('trimspace("  a \\n")')).toBe('a');
    expect(ev('upper("a")') + (ev('lower("B")') as string)).toBe('Ab');
    expect(ev('format("%s-%03d-%.2f-%v-%q", "a", 7, 1.25, true, "q")')).toBe('a-007-1.25-true-"q"');
    expect(ev('formatlist("%s=%s", ["a", "b"], "x")')).toEqual(['a=x', 'b=x']);
  });
  it('collections', () => {
    expect(ev('length({a = 1, b = 2})')).toBe(2);
    expect(ev('lookup({a = 1}, "b", 9)')).toBe(9);
    expect(ev('coalesce(null, "", "x")')).toBe('x');
    expect(ev('concat([1], [2])')).toEqual([1, 2]);
    expect(ev('merge({a = 1, b = 1}, {b = 2})')).toEqual({ a: 1, b: 2 });
    expect(ev('contains(["a"], "a")')).toBe(true);
    // Sets of strings and numbers come out in cty's order (sorted); distinct keeps the list's.
    expect(ev('setunion(["b", "c"], ["a", "b"])')).toEqual(['a', 'b', 'c']);
    expect(ev('setintersection([3, 1, 2], [2, 3])')).toEqual([2, 3]);
    expect(ev('distinct(["b", "a", "b"])')).toEqual(['b', 'a']);
    expect(ev('keys({b = 1, a = 2})')).toEqual(['a', 'b']);
    expect(ev('values({b = 1, a = 2})')).toEqual([2, 1]);
    expect(ev('element(["a", "b"], 3)')).toBe('b');
    expect(ev('flatten([[1, [2]], 3])')).toEqual([1, 2, 3]);
    expect(ev('distinct([1, 1, 2])')).toEqual([1, 2]);
    expect(ev('min(3, 1, 2) + max(1, 5)')).toBe(6);
    expect(ev('convert(["1", "2"], list(number))')).toEqual([1, 2]);
    expect(ev('convert({a = 1}, map(string))')).toEqual({ a: '1' });
  });
  it('encoding, hashing, try and can', () => {
    expect(ev('sha256("abc")')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(ev('jsondecode(jsonencode({a = [1, "b", null]}))')).toEqual({ a: [1, 'b', null] });
    expect(ev('uuidv4()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ev('try(x.missing, "fallback")', { x: {} })).toBe('fallback');
    expect(ev('can(x.missing)', { x: {} })).toBe(false);
    expect(ev('can(x.here)', { x: { here: 1 } })).toBe(true);
    expect(thrown(() => ev('try(x.a, x.b)', { x: {} }))).toMatch(/no expression given to try\(\) succeeded/);
  });
  it('time: timestamp, formatdate, legacy_isotime, legacy_strftime (the run\'s start, UTC)', () => {
    expect(ev('timestamp()')).toBe('2024-03-05T06:07:08Z');
    expect(ev('formatdate("YYYY-MM-DD hh:mm EEE MMM", "2024-03-05T06:07:08Z")')).toBe('2024-03-05 06:07 Tue Mar');
    expect(ev('legacy_isotime("2006-01-02")')).toBe('2024-03-05');
    expect(ev('legacy_strftime("%Y%m%d")')).toBe('20240305');
  });
  it('files, relative to the template folder: file, fileset, templatefile, abspath, basename, dirname', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bake-hcl2-fn-'));
    mkdirSync(join(dir, 'scripts/sub'), { recursive: true });
    writeFileSync(join(dir, 'scripts/a.sh'), 'A');
    writeFileSync(join(dir, 'scripts/sub/b.sh'), 'B');
    writeFileSync(join(dir, 't.tpl'), 'hi ${name}%{ for x in xs } ${x}%{ endfor }');
    expect(ev('file("scripts/a.sh")', {}, dir)).toBe('A');
    expect(ev('fileset("scripts", "**/*.sh")', {}, dir)).toEqual(['a.sh', 'sub/b.sh']);
    expect(ev('templatefile("t.tpl", {name = "you", xs = [1, 2]})', {}, dir)).toBe('hi you 1 2');
    expect(ev('basename("/a/b.iso")')).toBe('b.iso');
    expect(ev('dirname("/a/b.iso")')).toBe('/a');
    expect(ev('abspath("/a/../b")')).toBe('/b');
    expect(thrown(() => ev('file("nope")', {}, dir))).toMatch(/file\(\): cannot read "nope": no such file/);
    // tylert's user-data names var.username, which its `{ var = var }` does not hold: an error in Packer too.
    writeFileSync(join(dir, 'user-data'), '#cloud-config\n# - name: ${var.username}\n');
    expect(thrown(() => ev('templatefile("user-data", { var = var })', { var: { ssh_username: 'me' } }, dir))).toMatch(
      /^user-data:2:13: "var" has no attribute "username": the template sees only what templatefile\(\)'s second argument gives it \(in the template templatefile\(\) renders at expr\d+\.hcl:1:5\)\n/,
    );
  });
  it('unsupported and unknown functions, env outside variable defaults, wrong arity', () => {
    expect(thrown(() => ev('vault("a", "b")'))).toMatch(/:1:5: function vault is not supported by bake/);
    expect(thrown(() => ev('uper("a")'))).toMatch(/there is no function named "uper"; did you mean "upper"\?/);
    expect(thrown(() => ev('env("HOME")'))).toMatch(/env\(\) is only allowed in the default of a variable block/);
    expect(thrown(() => ev('upper("a", "b")'))).toMatch(/upper\(\) takes 1 argument, got 2/);
  });
});

describe('HCL2 structure', () => {
  it('bodies keep block order; one-line blocks; labels quoted or bare', () => {
    const body = parseFile('s.hcl', 'a = 1\nb "x" y {\n  c = 2\n}\nd { e = 3 }\nf "g" {}\n');
    expect(body.attributes.map((a) => a.name)).toEqual(['a']);
    expect(body.blocks.map((b) => [b.type, b.labels])).toEqual([['b', ['x', 'y']], ['d', []], ['f', ['g']]]);
    expect(body.blocks[1].body.attributes[0].range.start).toMatchObject({ line: 5, col: 5 });
  });
  it('structural errors', () => {
    expect(thrown(() => parseFile('s.hcl', 'a = 1\na = 2\n'))).toMatch(/^s\.hcl:2:1: argument "a" is already set at line 1/);
    expect(thrown(() => parseFile('s.hcl', 'b {\n  c = 1\n'))).toMatch(/^s\.hcl:1:3: this "\{" is never closed: the file ends inside its block/);
    expect(thrown(() => parseFile('s.hcl', 'b "${x}" {}\n'))).toMatch(/a block label must be a plain string/);
    expect(thrown(() => parseFile('s.hcl', 'a = 1 b = 2\n'))).toMatch(/expected a newline after this argument or block/);
    expect(thrown(() => parseFile('s.hcl', '}\n'))).toMatch(/unexpected "}": no block is open here/);
    expect(thrown(() => parseFile('s.hcl', 'a = @\n'))).toMatch(/s\.hcl:1:5: invalid character "@"/);
    expect(thrown(() => parseFile('s.hcl', '/* open\n'))).toMatch(/unterminated comment/);
  });
  // The cases of hashicorp/hcl's specsuite/tests/structure, at the places HCL reports them.
  it('single-line blocks: one argument, closed on the same line, no nested block', () => {
    expect(thrown(() => parseFile('s.hcl', 'a { b = "foo", c = "bar" }\n'))).toMatch(/^s\.hcl:1:14: only one argument is allowed in a single-line block, found ","/);
    for (const text of ['a { b = "foo"\n}\n', 'a { b = "foo"\n  c = "bar" }\n', 'a { b = "foo"\n  c = "bar"\n}\n']) {
      expect(thrown(() => parseFile('s.hcl', text))).toMatch(/^s\.hcl:1:14: the "\}" of a single-line block must be on the same line/);
    }
    expect(thrown(() => parseFile('s.hcl', 'a { d {} }\n'))).toMatch(/^s\.hcl:1:5: a single-line block cannot contain another block/);
    expect(thrown(() => parseFile('s.hcl', 'a {\n  b = 1 }\n'))).toMatch(/^s\.hcl:2:9: expected a newline after this argument or block, found "\}"/);
    expect(thrown(() => parseFile('s.hcl', 'a = "a value", b = "b value"\n'))).toMatch(/^s\.hcl:1:14: expected a newline after this argument or block, found ","/);
    expect(parseFile('s.hcl', 'a {}\nb { c = "foo" }\n').blocks.map((b) => b.body.attributes.length)).toEqual([0, 1]);
  });
});
