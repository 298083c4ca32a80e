import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dataSources } from '../../src/datasources/index.js';
import { validatorFor } from '../../src/template/load/ajv.js';
import { formatAjvErrors } from '../../src/template/load/format-errors.js';

const ctx = { signal: new AbortController().signal, templateDir: '/tpl' };

/** The errors the HCL2 reader gets from a block's arguments, through bake's one ajv and its messages. */
function problems(type: string, config: Record<string, unknown>): string[] {
  const validate = validatorFor(dataSources.get(type)!.schema);
  return validate(config) ? [] : formatAjvErrors('t.pkr.hcl', `data.${type}.x`, validate.errors ?? []);
}

describe('data sources', () => {
  it('registers Packer\'s and the community host-info, each with a schema and outputs', () => {
    expect([...dataSources.keys()].sort()).toEqual(['amazon-ami', 'amazon-parameterstore', 'amazon-secretsmanager', 'host-info', 'http', 'null']);
    for (const d of dataSources.values()) expect(d.outputs.length).toBeGreaterThan(0);
  });

  it('null passes input through as output', async () => {
    expect(await dataSources.get('null')!.read({ input: 'hello' }, ctx)).toEqual({ output: 'hello' });
    expect(problems('null', {})).toEqual(['t.pkr.hcl: data.null.x.input: required']);
  });

  it('host-info gives the host-info plugin\'s outputs with Go\'s names, plus cpus and memory', async () => {
    const out = await dataSources.get('host-info')!.read({}, ctx);
    expect(Object.keys(out)).toEqual([...dataSources.get('host-info')!.outputs]);
    expect(out).toMatchObject({ os_type: 'linux', architecture: process.arch === 'x64' ? 'amd64' : process.arch, cpus: availableParallelism() });
    expect(out.memory).toBeGreaterThan(100);
    expect(typeof out.platform).toBe('string');
  });

  it('checks arguments: Packer\'s access options implemented, inert or refused with the reason; GET only', () => {
    expect(problems('amazon-ami', { region: 'eu-west-1', filters: { name: 'x' }, owners: ['self'], skip_credential_validation: true, aws_polling: { delay_seconds: 5 }, profile: 'p', assume_role: { role_arn: 'arn:aws:iam::1:role/r' } })).toEqual([]);
    expect(problems('amazon-ami', { filters: { name: 'x' }, owners: ['self'], mfa_code: '123456', insecure_skip_tls_verify: true })).toEqual([
      't.pkr.hcl: data.amazon-ami.x.insecure_skip_tls_verify: not supported by bake: TLS verification cannot be turned off',
      't.pkr.hcl: data.amazon-ami.x.mfa_code: not supported by bake: MFA codes; use a profile with cached SSO credentials',
    ]);
    expect(problems('amazon-ami', { filters: { name: 'x' } })).toEqual(['t.pkr.hcl: data.amazon-ami.x.owners: required']);
    expect(problems('amazon-secretsmanager', { name: 'db', versoin_stage: 'x' })).toEqual(['t.pkr.hcl: data.amazon-secretsmanager.x.versoin_stage: unknown key; did you mean "version_stage"?']);
    expect(problems('http', { url: 'https://x', method: 'POST' })).toEqual(['t.pkr.hcl: data.http.x.method: must be one of "GET"']);
  });
});
