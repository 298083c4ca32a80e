import { BakeError } from '../core/errors.js';
import type { DataSourcePlugin } from './types.js';

/** Packer's `null` data source: `output` is `input`, for trying data-source wiring without side effects. */
export const nullDataSource: DataSourcePlugin = {
  type: 'null',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['input'],
    properties: { input: { type: 'string', description: 'Any value; returned as `output`.' } },
  },
  outputs: ['output'],
  async read(config) {
    if (typeof config.input !== 'string') throw new BakeError('null: input: must be a string');
    return { output: config.input };
  },
};
