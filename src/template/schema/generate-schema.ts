import type { Registry } from '../../plugins/registry.js';
import type { Plugin } from '../../plugins/types.js';
import {
  builderCommonProperties,
  envelopeSchema,
  postProcessorCommonProperties,
  provisionerCommonProperties,
} from '../load/envelope-schema.js';
import { forEditors } from './for-editors.js';

type Schema = Record<string, any>;

const COMMENTS = { '^_': { description: 'A comment: keys starting with "_" are ignored.' } };

/** draft-07 forbids an empty enum: with no plugin of a kind, no type is valid. */
const typeNames = (types: string[], description: string): Schema =>
  types.length > 0 ? { type: 'string', enum: types, description } : { type: 'string', not: {}, description };

/** One plugin's block: its own schema plus the common keys, chosen by `type` with if/then. */
function blockSchema(plugins: Plugin[], common: object): Schema {
  const byType = [...plugins].sort((a, b) => a.type.localeCompare(b.type));
  const types = byType.map((p) => p.type);
  return {
    type: 'object',
    required: ['type'],
    properties: { type: typeNames(types, (common as Schema).type.description) },
    ...(byType.length === 0
      ? {}
      : { allOf: byType.map((plugin) => ({ if: { properties: { type: { const: plugin.type } } }, then: pluginSchema(plugin, common) })) }),
  };
}

function pluginSchema(plugin: Plugin, common: object): Schema {
  const own = forEditors(plugin.schema) as Schema;
  const unsupported = Object.fromEntries(
    Object.entries(plugin.unsupported ?? {}).map(([key, { effect, why, inert, inertWhen }]) => [
      key,
      effect === 'warn'
        ? { description: `Accepted and ignored by bake: ${why}.` }
        : inert || inertWhen
          ? { description: `Not supported by bake (accepted where it changes nothing${inert ? `: ${inert.map((v) => JSON.stringify(v)).join(', ')}` : ''}): ${why}.` }
          : { not: {}, description: `Not supported by bake: ${why}.` },
    ]),
  );
  return {
    ...own,
    description: plugin.description,
    properties: { ...forEditors(common), ...unsupported, ...own.properties },
    patternProperties: COMMENTS,
  };
}

/**
 * The JSON Schema (draft-07) of a whole template, from every plugin in the registry, for editors
 * (`"$schema": "…/bake.schema.json"`). Numbers and booleans also accept strings, lists a single
 * item, and patterns `{{ }}`, because values are checked after interpolation (`bake validate` does that).
 */
export function generateSchema(registry: Registry): Schema {
  const envelope = envelopeSchema.properties;
  const builders = blockSchema([...registry.builders.values()], builderCommonProperties);
  const provisioners = blockSchema([...registry.provisioners.values()], provisionerCommonProperties);
  const postProcessor = blockSchema([...registry.postProcessors.values()], postProcessorCommonProperties);
  const postProcessorRef = {
    anyOf: [typeNames([...registry.postProcessors.keys()].sort(), 'A post-processor with default options.'), postProcessor],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    // In `bake fmt`'s order (description before other keys), so the file passes `bake fmt -check` as every file under templates/ does.
    description: "A Packer-style JSON template for bake: builders, provisioners and post-processors.",
    title: 'bake template',
    type: 'object',
    additionalProperties: false,
    required: ['builders'],
    patternProperties: COMMENTS,
    properties: {
      $schema: envelope.$schema,
      description: envelope.description,
      min_packer_version: envelope.min_packer_version,
      variables: { ...envelope.variables, patternProperties: COMMENTS },
      'sensitive-variables': envelope['sensitive-variables'],
      builders: { type: 'array', minItems: 1, items: builders, description: envelope.builders.description },
      provisioners: { type: 'array', items: provisioners, description: envelope.provisioners.description },
      'error-cleanup-provisioner': { $ref: '#/properties/provisioners/items', description: envelope['error-cleanup-provisioner'].description },
      'post-processors': {
        type: 'array',
        items: { anyOf: [...postProcessorRef.anyOf, { type: 'array', items: postProcessorRef }] },
        description: envelope['post-processors'].description,
      },
    },
  };
}
