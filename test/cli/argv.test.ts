import { describe, expect, it } from 'vitest';
import { normalizeArgv } from '../../src/cli/argv.js';
import { parseVarFlags } from '../../src/cli/vars.js';

describe('normalizeArgv', () => {
  it('turns Packer single-dash long flags into GNU flags', () => {
    expect(normalizeArgv(['build', '-var', 'a=b', '-only=x,y', '-color=false', '-machine-readable', 't.json'])).toEqual([
      'build', '--var', 'a=b', '--only=x,y', '--color=false', '--machine-readable', 't.json',
    ]);
  });

  it('keeps GNU flags and short flags as they are', () => {
    expect(normalizeArgv(['validate', '--syntax-only', 't.json'])).toEqual(['validate', '--syntax-only', 't.json']);
    expect(normalizeArgv(['-v'])).toEqual(['-v']);
  });

  it('reads `bake FILE` as `bake build FILE`', () => {
    expect(normalizeArgv(['t.json'])).toEqual(['build', 't.json']);
    expect(normalizeArgv(['-force', 't.json'])).toEqual(['--force', 'build', 't.json']);
    // A missing HCL2 file too, so its error is "cannot read", not "unknown command".
    expect(normalizeArgv(['missing.pkr.hcl'])).toEqual(['build', 'missing.pkr.hcl']);
  });

  it('leaves everything after -- alone', () => {
    expect(normalizeArgv(['build', 't.json', '--', '-var'])).toEqual(['build', 't.json', '--', '-var']);
  });
});

describe('parseVarFlags', () => {
  it('splits at the first "="', () => {
    expect(parseVarFlags(['a=1', 'b=x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
  });
  it('refuses a value without "="', () => {
    expect(() => parseVarFlags(['region'])).toThrow('-var "region": expected key=value');
  });
});
