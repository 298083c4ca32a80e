import { SecretsManagerClients, awsCode, send } from '../cloud/aws/index.js';
import { BakeError } from '../core/errors.js';
import { dataSourceAccess, dataSourceAccessProperties } from './aws-access.js';
import type { DataSourcePlugin } from './types.js';

interface SecretValue {
  SecretString?: string;
  SecretBinary?: Uint8Array;
  VersionId?: string;
}

/**
 * `value` as Packer picks it: a secret that is not a JSON object is the value itself; of a JSON
 * object, `key`'s value, or without `key` the first one (Packer takes any one: Go's map order).
 * Messages never contain the secret.
 */
function pick(secret: string, key: string | undefined, name: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    return secret;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return secret;
  const entries = Object.entries(parsed as Record<string, unknown>);
  const found = key ? entries.find(([k]) => k === key) : entries[0];
  if (!found) return '';
  const v = found[1];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(Math.round(v));
  throw new BakeError(`amazon-secretsmanager: secret ${name}: the value of key "${found[0]}" is ${v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v}, not a string or number`);
}

/** Packer's `amazon-secretsmanager` data source: a secret's value (or one key of a JSON secret). Every output but version_id is sensitive. */
export const amazonSecretsManagerDataSource: DataSourcePlugin = {
  type: 'amazon-secretsmanager',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      ...dataSourceAccessProperties,
      name: { type: 'string', minLength: 1, description: 'Name or ARN of the secret.' },
      key: { type: 'string', description: 'For a JSON secret, the key whose value is `value`; default its first key.' },
      version_id: { type: 'string', description: 'The version to read; default the version_stage\'s.' },
      version_stage: { type: 'string', default: 'AWSCURRENT', description: 'The staging label of the version to read.' },
    },
  },
  outputs: ['value', 'secret_string', 'secret_binary', 'version_id'],
  sensitiveOutputs: ['value', 'secret_string', 'secret_binary'],
  async read(config, ctx) {
    const access = dataSourceAccess('amazon-secretsmanager', config, ctx);
    const name = String(config.name);
    const versionId = config.version_id ? String(config.version_id) : undefined;
    const version = versionId ?? String(config.version_stage ?? 'AWSCURRENT');
    const clients = new SecretsManagerClients(access);
    try {
      const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
      const input = { SecretId: name, ...(versionId ? { VersionId: versionId } : { VersionStage: version }) };
      const out = await send<SecretValue>(await clients.get(), new GetSecretValueCommand(input), {
        what: `amazon-secretsmanager: get secret ${name} in ${access.region}`,
        signal: ctx.signal,
      }).catch((err: unknown) => {
        // send() wraps the SDK's error in a one-line BakeError; the code is the SDK error's.
        const cause = (err as { cause?: unknown }).cause;
        const deleted = awsCode(cause) === 'InvalidRequestException' && /because it was deleted/.test(String((cause as Error)?.message));
        if (awsCode(cause) === 'ResourceNotFoundException' || deleted) throw new BakeError(`amazon-secretsmanager: secret ${name} version ${version} not found in ${access.region}`);
        throw err;
      });
      const secretString = out.SecretString ?? '';
      return {
        value: pick(secretString, config.key ? String(config.key) : undefined, name),
        secret_string: secretString,
        secret_binary: out.SecretBinary ? Buffer.from(out.SecretBinary).toString('utf8') : '',
        version_id: out.VersionId ?? '',
      };
    } finally {
      await clients.destroy();
    }
  },
};
