import { dataSources } from '../../datasources/index.js';
import { registry } from '../../plugins/registry.js';
import { commonKeysSchema } from './common-keys.js';
import { envelopeSchema, postProcessorCommonProperties, provisionerCommonProperties } from './envelope-schema.js';

/**
 * Every schema `validatorFor` meets in a template of bake's own plugins, named for the build's
 * log: the build precompiles these (scripts/precompile-validators.mjs), and a test checks that
 * their precompiled validators answer as ajv's compiled ones do. A schema missing here still
 * works, compiled at run time.
 */
export function precompiledSchemas(): [string, object][] {
  const plugins = (kind: string, map: ReadonlyMap<string, { schema: object }>) => [...map].map(([type, p]): [string, object] => [`${kind} ${type}`, p.schema]);
  return [
    ['envelope', envelopeSchema],
    ['provisioner common keys', commonKeysSchema(provisionerCommonProperties)],
    ['post-processor common keys', commonKeysSchema(postProcessorCommonProperties)],
    ...plugins('builder', registry.builders),
    ...plugins('provisioner', registry.provisioners),
    ...plugins('post-processor', registry.postProcessors),
    ...plugins('data source', dataSources),
  ];
}
