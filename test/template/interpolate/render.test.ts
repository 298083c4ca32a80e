import { describe, expect, it } from 'vitest';
import { render, type RenderContext } from '../../../src/template/index.js';

const now = new Date(Date.UTC(2024, 2, 5, 14, 7, 9, 45));
const ctx: RenderContext = {
  now,
  userVars: { region: 'eu-west-1', name: 'Web Server', empty: '', n: '1' },
  buildName: 'web',
  buildType: 'amazon-ebs',
  templateDir: '/srv/tpl',
  where: 't.json: builders[0].ami_name',
};
const r = (text: string, extra: Partial<RenderContext> = {}) => render(text, { ...ctx, ...extra });
const err = (text: string, extra: Partial<RenderContext> = {}) => {
  try {
    r(text, extra);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`no error for ${text}`);
};

describe('render: text and literals', () => {
  it('leaves text without actions alone, including single braces', () => {
    expect(r('plain { text } here')).toBe('plain { text } here');
  });
  it('renders double-quoted strings with Go escapes and raw strings verbatim', () => {
    expect(r('{{ "a\\tb\\n\\"q\\" \\x41\\u00e9\\101" }}')).toBe('a\tb\n"q" Aé\x41');
    expect(r('{{ `raw \\n {{ }} "x"` }}')).toBe('raw \\n {{ }} "x"');
  });
  it('prints numbers and booleans', () => {
    expect(r('{{ 42 }}-{{ -3 }}-{{ true }}-{{ 1.5 }}')).toBe('42--3-true-1.5');
  });
  it('skips comments', () => {
    expect(r('a{{/* a comment */}}b')).toBe('ab');
  });
  it('finds }} inside quoted strings correctly', () => {
    expect(r('{{ "}}" }}|')).toBe('}}|');
  });
});

describe('render: trim markers', () => {
  it('{{- trims whitespace before and -}} after', () => {
    expect(r('a  \n {{- "b" -}} \n\t c')).toBe('abc');
  });
  it('a dash without a space is a negative number, not a trim marker', () => {
    expect(r('a {{-3}} b')).toBe('a -3 b');
  });
});

describe('render: pipes and calls', () => {
  it('passes a pipe value as the last argument', () => {
    expect(r('{{ user `name` | lower }}')).toBe('web server');
    expect(r('{{ "a-b-c" | replace "-" "_" 1 }}')).toBe('a_b-c');
    expect(r('{{ user `name` | lower | replace_all " " "-" }}')).toBe('web-server');
  });
  it('evaluates parenthesised calls as arguments', () => {
    expect(r('{{ upper (user `region`) }}')).toBe('EU-WEST-1');
    expect(r('{{ split (user `region`) "-" 1 }}')).toBe('west');
  });
  it('calls an identifier argument as a function without arguments', () => {
    expect(r('{{ lower build_name }}')).toBe('web');
  });
  it('converts a computed value to an int parameter', () => {
    expect(r('{{ replace "e" "E" (user `n`) "eee" }}')).toBe('Eee');
  });
});

describe('render: functions', () => {
  it('user returns declared values, including empty ones', () => {
    expect(r('[{{user `region`}}][{{ user "empty" }}]')).toBe('[eu-west-1][]');
  });
  it('timestamp is Unix seconds of the run start', () => {
    expect(r('{{timestamp}}')).toBe(String(Math.floor(now.getTime() / 1000)));
  });
  it('timestamp is one value for a whole run when no time is given', () => {
    const a = render('{{timestamp}}');
    expect(a).toMatch(/^\d{10}$/);
    expect(render('{{timestamp}}')).toBe(a);
  });
  it('isotime defaults to RFC3339 and takes Go layouts', () => {
    expect(r('{{isotime}}')).toBe('2024-03-05T14:07:09Z');
    expect(r('{{isotime "2006-01-02T15:04"}}')).toBe('2024-03-05T14:07');
    expect(r('{{isotime "Mon Jan _2 3:4:5 PM 06 MST"}}')).toBe('Tue Mar  5 2:7:9 PM 24 UTC');
    expect(r('{{isotime "Monday January 2 2006 002 -07:00 Z0700 .000 .999"}}')).toBe('Tuesday March 5 2024 065 +00:00 Z .045 .045');
    expect(r('{{isotime "20060102150405"}}')).toBe('20240305140709');
  });
  it('strftime takes C directives', () => {
    expect(r('{{strftime "%Y%m%d-%H%M%S %a %%"}}')).toBe('20240305-140709 Tue %');
  });
  it('uuid returns a fresh UUID each call', () => {
    const [a, b] = r('{{uuid}} {{uuid}}').split(' ');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
  it('build_name, build_type, template_dir, pwd, packer_version', () => {
    expect(r('{{build_name}}/{{build_type}}/{{template_dir}}')).toBe('web/amazon-ebs//srv/tpl');
    expect(r('{{pwd}}')).toBe(process.cwd());
    expect(r('{{packer_version}}')).toBe('0.1.0');
  });
  it('clean_resource_name follows the AMI rule for amazon builds and the generic rule otherwise', () => {
    expect(r('{{ "My AMI: 2024/03 #1" | clean_resource_name }}')).toBe('My AMI- 2024/03 -1');
    expect(r('{{isotime | clean_resource_name}}', { buildType: 'qemu' })).toBe('2024-03-05t14-07-09z');
  });
  it('lower, upper, replace, replace_all, split', () => {
    expect(r('{{lower "AbC"}}{{upper "xY"}}')).toBe('abcXY');
    expect(r('{{replace "a" "b" -1 "aaa"}} {{replace "a" "b" 2 "aaa"}} {{replace_all "a" "" "banana"}}')).toBe('bbb bba bnn');
    expect(r('{{split "a,b,c" "," 2}}')).toBe('c');
  });
  it('env reads the environment only where allowed', () => {
    expect(r('{{env `HOME_X`}}', { allowEnv: true, env: { HOME_X: '/h' } })).toBe('/h');
    expect(r('[{{env `NOPE`}}]', { allowEnv: true, env: {} })).toBe('[]');
    expect(err('{{env `HOME`}}')).toBe(
      't.json: builders[0].ami_name: env is only allowed in the defaults of "variables" (as in Packer) in {{env `HOME`}}',
    );
  });
  it('print and printf, as Go templates always have them', () => {
    expect(r('{{ printf "%s-%03d-%q-%v%%" (user `region`) 7 "x" true }}')).toBe('eu-west-1-007-"x"-true%');
    expect(r('{{ user `region` | printf "ami-%s" }}')).toBe('ami-eu-west-1');
    expect(r('{{ printf "%s %s" "a" }}|{{ printf "%d" "a" }}')).toBe('a %!s(MISSING)|%!d(string=a)');
    expect(r('{{ print "a" 1 2 "b" }}')).toBe('a1 2b');
    expect(err('{{ printf "%x" 1 }}')).toBe('t.json: builders[0].ami_name: printf: verb "%x" is not supported (use %s, %v, %d, %q or %t) in {{ printf "%x" 1 }}');
  });
  it('build reads build data', () => {
    expect(r('{{ build `Host` }}', { data: { Host: '10.0.0.1' } })).toBe('10.0.0.1');
  });
});

describe('render: fields and partial mode', () => {
  it('reads .Field and nested .A.B values', () => {
    expect(r('{{.SourceAMI}} {{ .SourceAMITags.Name }}', { data: { SourceAMI: 'ami-1', SourceAMITags: { Name: 'base' } } })).toBe(
      'ami-1 base',
    );
  });
  it('keeps actions with unknown fields as written in partial mode', () => {
    const text = 'sudo {{.Vars}} sh {{ .Path }} for {{build_name}} at {{ .SourceAMIName | clean_resource_name }}';
    expect(r(text, { partial: true })).toBe('sudo {{.Vars}} sh {{ .Path }} for web at {{ .SourceAMIName | clean_resource_name }}');
    expect(r('{{-  .Vars  -}}', { partial: true })).toBe('{{-  .Vars  -}}');
  });
  it('keeps build_name and build values for later when they are not known yet', () => {
    expect(r('{{build_name}}-{{build `Host`}}', { partial: true, buildName: undefined })).toBe('{{build_name}}-{{build `Host`}}');
  });
  it('renders kept actions later with the plugin data', () => {
    const kept = r('{{.Vars}} {{.Path}}', { partial: true });
    expect(render(kept, { data: { Vars: 'A=1', Path: '/tmp/s.sh' } })).toBe('A=1 /tmp/s.sh');
  });
  it('a missing field is an error outside partial mode', () => {
    expect(err('{{.Path}}')).toBe('t.json: builders[0].ami_name: no value for .Path in {{.Path}}');
  });
});

describe('render: errors', () => {
  const cases: [string, string][] = [
    ['{{foo}}', 'unknown function "foo" in {{foo}}'],
    ['ami {{ user `region`', 'unterminated "{{" at character 5 (no closing "}}"): {{ user `region`'],
    ['{{ "abc }}', 'unterminated "{{" at character 1 (string is not closed): {{ "abc }}'],
    ['{{ `abc }}', 'unterminated "{{" at character 1 (raw string (`) is not closed): {{ `abc }}'],
    ['{{ replace "a" "b" "c" }}', 'wrong number of arguments for replace: want 4, got 3 in {{ replace "a" "b" "c" }}'],
    ['{{ upper }}', 'wrong number of arguments for upper: want 1, got 0 in {{ upper }}'],
    ['{{ printf }}', 'wrong number of arguments for printf: want at least 1, got 0 in {{ printf }}'],
    ['{{ isotime "a" "b" }}', 'wrong number of arguments for isotime: want 0 or 1, got 2 in {{ isotime "a" "b" }}'],
    ['{{ split "a" "," "1" }}', 'argument 3 of split must be an integer, got "1" in {{ split "a" "," "1" }}'],
    ['{{ upper 5 }}', 'argument 1 of upper must be a string, got 5 in {{ upper 5 }}'],
    ['{{ split "a,b" "," 5 }}', 'split: part 5 of "a,b" split by "," does not exist (2 parts) in {{ split "a,b" "," 5 }}'],
    ['{{ user `nope` }}', 'variable "nope" is not declared in "variables" in {{ user `nope` }}'],
    ['{{ "a" "b" }}', '"a" is not a function and cannot take arguments in {{ "a" "b" }}'],
    ['{{ "a" | "b" }}', '"b" is not a function and cannot take arguments in {{ "a" | "b" }}'],
    ['{{ }}', 'empty action {{ }}'],
    ['{{ upper (lower "a" }}', 'missing ")" in {{ upper (lower "a" }}'],
    ['{{ $x }}', 'template variables ($) are not supported in {{ $x }}'],
    ['{{ "\\q" }}', 'unknown escape sequence "\\q" in {{ "\\q" }}'],
    ['{{ sed "s/a/b/" "x" }}', 'function "sed" is not supported by bake: it is deprecated in Packer too; use replace or replace_all in {{ sed "s/a/b/" "x" }}'],
    [
      '{{ vault `/secret/x` `key` }}',
      'function "vault" is not supported by bake: pass the secret with -var or an {{env}} default in "variables", and list it in "sensitive-variables" in {{ vault `/secret/x` `key` }}',
    ],
  ];
  it.each(cases)('%s', (text, message) => {
    expect(err(text)).toBe(`t.json: builders[0].ami_name: ${message}`);
  });
  it('consul_key and aws_secretsmanager are recognised and refused', () => {
    expect(err('{{consul_key `a`}}')).toContain('function "consul_key" is not supported by bake');
    expect(err('{{aws_secretsmanager `a` `b`}}')).toContain('function "aws_secretsmanager" is not supported by bake');
  });
  it('errors are UsageErrors with exit code 2', () => {
    try {
      r('{{foo}}');
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
      return;
    }
    throw new Error('expected an error');
  });
});
