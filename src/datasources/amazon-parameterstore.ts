import { SsmClients, awsCode, send } from '../cloud/aws/index.js';
import { BakeError } from '../core/errors.js';
import { dataSourceAccess, dataSourceAccessProperties } from './aws-access.js';
import type { DataSourcePlugin } from './types.js';

interface Parameter {
  Value?: string;
  Version?: number;
  ARN?: string;
}

/** Packer's `amazon-parameterstore` data source: one SSM parameter's value, version and ARN. The value is sensitive: it may be a SecureString. */
export const amazonParameterStoreDataSource: DataSourcePlugin = {
  type: 'amazon-parameterstore',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      ...dataSourceAccessProperties,
      name: { type: 'string', minLength: 1, description: 'Name of the parameter (a path, "name:version" or "name:label" selects a version).' },
      with_decryption: { type: 'boolean', default: false, description: 'Decrypt a SecureString parameter.' },
    },
  },
  outputs: ['value', 'version', 'arn'],
  sensitiveOutputs: ['value'],
  async read(config, ctx) {
    const access = dataSourceAccess('amazon-parameterstore', config, ctx);
    const name = String(config.name);
    const clients = new SsmClients(access);
    try {
      const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
      const out = await send<{ Parameter?: Parameter }>(await clients.get(), new GetParameterCommand({ Name: name, WithDecryption: config.with_decryption === true }), {
        what: `amazon-parameterstore: get parameter ${name} in ${access.region}`,
        signal: ctx.signal,
      }).catch((err: unknown) => {
        // send() wraps the SDK's error in a one-line BakeError; the code is the SDK error's.
        const code = awsCode((err as { cause?: unknown }).cause);
        if (code === 'ParameterNotFound') throw new BakeError(`amazon-parameterstore: parameter ${name} not found in ${access.region}`);
        if (code === 'ParameterVersionNotFound') throw new BakeError(`amazon-parameterstore: parameter ${name}: that version not found in ${access.region}`);
        throw err;
      });
      const p = out.Parameter ?? {};
      return { value: p.Value ?? '', version: p.Version === undefined ? '' : String(p.Version), arn: p.ARN ?? '' };
    } finally {
      await clients.destroy();
    }
  },
};
