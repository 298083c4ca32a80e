import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatHcl, formatHclFile } from '../../../src/template/hcl2/format.js';
import { thrown } from './helpers.js';

const fixtures = fileURLToPath(new URL('../../fixtures/hcl2/', import.meta.url));
const templates = fileURLToPath(new URL('../../../templates/', import.meta.url));
const fmt = (text: string) => formatHcl('t.pkr.hcl', text);

/** Every HCL2 file under a folder, as `bake fmt -recursive` finds them. */
const hclFiles = (root: string) => readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(pkr|pkrvars)\.hcl$/.test(f));

describe('bake fmt for HCL2 (hclwrite\'s Format)', () => {
  it('formats a carelessly written template as `packer fmt` does (the golden file is packer fmt\'s output)', () => {
    const messy = readFileSync(join(fixtures, 'fmt/messy.pkr.hcl'), 'utf8');
    expect(fmt(messy)).toBe(readFileSync(join(fixtures, 'fmt/messy.golden'), 'utf8'));
  });

  it('is idempotent: the formatted text formats to itself', () => {
    const once = fmt(readFileSync(join(fixtures, 'fmt/messy.pkr.hcl'), 'utf8'));
    expect(fmt(once)).toBe(once);
  });

  it('aligns the = of consecutive one-line attributes and their comments; a blank line or a block ends the run', () => {
    expect(fmt('a = 1\nlonger = 2 # x\n\nb = 3 // y\nccc = "z" # z\nd = {\n  e = 1\n}\n')).toBe(
      'a      = 1\nlonger = 2 # x\n\nb   = 3   // y\nccc = "z" # z\nd = {\n  e = 1\n}\n',
    );
  });

  it('spaces tokens by hclwrite\'s rules: negation, !, dots, calls, brackets, template sequences', () => {
    expect(fmt('x = [ -1, 2-1, ! a, f ( b ) [0], a . b, "${ x }%{ for v in l }${v}%{ endfor }", {}, { a = 1 } ]\n')).toBe(
      'x = [-1, 2 - 1, !a, f(b)[0], a.b, "${x}%{for v in l}${v}%{endfor}", {}, { a = 1 }]\n',
    );
  });

  it('keeps heredoc bodies, their closing marker, strings and comments as written; removes trailing spaces', () => {
    const text = 'a {\nh = <<-EOT\n   x  ${ y }  \n      EOT\n/*  keep   me */\ns = "  a  \\n  "   \n}\n';
    expect(fmt(text)).toBe('a {\n  h = <<-EOT\n   x  ${y}  \n      EOT\n  /*  keep   me */\n  s = "  a  \\n  "\n}\n');
  });

  it('refuses a file that does not parse, at its place, as packer fmt does', () => {
    expect(thrown(() => formatHclFile('bad.pkr.hcl', 'a = [\n'))).toMatch(/^bad\.pkr\.hcl:2:1: /);
  });

  it('leaves every HCL2 file under templates/ and the test fixtures as it is (what `bake fmt -check -recursive` checks)', () => {
    const files = [...hclFiles(templates).map((f) => join(templates, f)), ...hclFiles(fixtures).map((f) => join(fixtures, f)).filter((f) => !f.includes('/fmt/'))];
    expect(files.length).toBeGreaterThanOrEqual(9);
    for (const f of files) expect(formatHclFile(f, readFileSync(f, 'utf8')), f).toBe(readFileSync(f, 'utf8'));
  });
});
