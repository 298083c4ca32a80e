import type { DataSourcePlugin } from '../types.js';

/** Packer's `null` data source: `output` is `input`, for testing and for naming a value once. */
export const nullDataSource: DataSourcePlugin = {
  type: 'null',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['input'],
    properties: { input: { description: 'Any value; it comes back as `output`.' } },
  },
  outputs: ['output'],
  async read(config) {
    return { output: config.input };
  },
};
