import { GetSecretValueCommand, ResourceNotFoundException, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataSources } from '../../src/datasources/index.js';
import { isolateAws } from '../fakes/ec2/aws-env.js';

const ctx = { signal: new AbortController().signal, templateDir: '/tpl' };
const ssm = mockClient(SSMClient);
const sm = mockClient(SecretsManagerClient);
beforeAll(() => isolateAws());
afterEach(() => {
  ssm.reset();
  sm.reset();
});

describe('amazon-parameterstore data source', () => {
  const ps = dataSources.get('amazon-parameterstore')!;

  it('reads a parameter (decrypted when asked) in the block\'s region; its value is sensitive', async () => {
    ssm.on(GetParameterCommand).callsFake(async (input, getClient) => ({
      Parameter: { Name: input.Name, Value: input.WithDecryption ? 's3cr3t' : 'AQICAH…', Version: 3, ARN: `arn:aws:ssm:${await getClient().config.region()}:1:parameter${input.Name}` },
    }));
    expect(await ps.read({ region: 'eu-west-1', name: '/app/db-password', with_decryption: true }, ctx)).toEqual({
      value: 's3cr3t',
      version: '3',
      arn: 'arn:aws:ssm:eu-west-1:1:parameter/app/db-password',
    });
    expect(ps.sensitiveOutputs).toEqual(['value']);
  });

  it('names a missing parameter in one line', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: '', $metadata: {} }));
    await expect(ps.read({ region: 'eu-west-1', name: '/nope' }, ctx)).rejects.toThrow(/^amazon-parameterstore: parameter \/nope not found in eu-west-1$/);
  });
});

describe('amazon-secretsmanager data source', () => {
  const sec = dataSources.get('amazon-secretsmanager')!;
  const json = JSON.stringify({ username: 'admin', password: 'hunter2', port: 5432 });

  it('gives the secret, one key of a JSON secret (default its first), and its version; all but version_id sensitive', async () => {
    sm.on(GetSecretValueCommand).callsFake((input) => ({ SecretString: input.SecretId === 'plain' ? 'just-a-token' : json, VersionId: input.VersionId ?? 'v-current' }));
    expect(await sec.read({ region: 'eu-west-1', name: 'db', key: 'password' }, ctx)).toEqual({ value: 'hunter2', secret_string: json, secret_binary: '', version_id: 'v-current' });
    expect((await sec.read({ region: 'eu-west-1', name: 'db' }, ctx)).value).toBe('admin');
    expect((await sec.read({ region: 'eu-west-1', name: 'db', key: 'port' }, ctx)).value).toBe('5432');
    expect((await sec.read({ region: 'eu-west-1', name: 'plain', version_id: 'v1' }, ctx))).toMatchObject({ value: 'just-a-token', version_id: 'v1' });
    expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toContainEqual({ SecretId: 'db', VersionStage: 'AWSCURRENT' });
    expect(sec.sensitiveOutputs).toEqual(['value', 'secret_string', 'secret_binary']);
  });

  it('names a missing secret and version, never printing a secret', async () => {
    sm.on(GetSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'Secrets Manager can\'t find the specified secret.', $metadata: {} }));
    await expect(sec.read({ region: 'eu-west-1', name: 'gone', version_stage: 'AWSPREVIOUS' }, ctx)).rejects.toThrow(/^amazon-secretsmanager: secret gone version AWSPREVIOUS not found in eu-west-1$/);
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ nested: { password: 'hunter2' } }) });
    const err = await sec.read({ region: 'eu-west-1', name: 'db', key: 'nested' }, ctx).catch((e: Error) => e);
    expect((err as Error).message).toBe('amazon-secretsmanager: secret db: the value of key "nested" is object, not a string or number');
    expect((err as Error).message).not.toContain('hunter2');
  });
});
