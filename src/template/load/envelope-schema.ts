import { DURATION_PATTERN } from '../../plugins/schema-helpers.js';

/** Keys every builder block has, handled by the template layer rather than by the plugin. */
export const builderCommonProperties = {
  type: { type: 'string', description: 'The builder type, e.g. "amazon-ebs".' },
  name: { type: 'string', minLength: 1, description: 'Build name used by -only/-except, only/except and override; default: the type.' },
  sbom: {
    enum: [true, false, 'required'],
    default: true,
    errorMessage: 'must be true, false or "required"',
    description: 'List the image\'s packages after the last provisioner (CycloneDX SBOM beside the artifact): true (default), false, or "required" to fail the build when a package database cannot be read.',
  },
} as const;

const nameList = (description: string) => ({ type: 'array', items: { type: 'string' }, description }) as const;

export const provisionerCommonProperties = {
  type: { type: 'string', description: 'The provisioner type, e.g. "shell".' },
  only: nameList('Run only for these build names.'),
  except: nameList('Run for every build except these build names.'),
  pause_before: {
    type: 'string',
    pattern: DURATION_PATTERN,
    errorMessage: { pattern: 'must be a duration like "5m"' },
    description: 'Wait this long before running, e.g. "10s".',
  },
  max_retries: { type: 'integer', minimum: 0, default: 0, description: 'Run again up to this many times when it fails.' },
  timeout: {
    type: 'string',
    pattern: DURATION_PATTERN,
    errorMessage: { pattern: 'must be a duration like "5m"' },
    description: 'Fail the provisioner when it runs longer than this, e.g. "30m".',
  },
  override: {
    type: 'object',
    additionalProperties: { type: 'object' },
    description: 'Per build name, options merged over this provisioner\'s for that build.',
  },
} as const;

export const postProcessorCommonProperties = {
  type: { type: 'string', description: 'The post-processor type, e.g. "manifest".' },
  name: { type: 'string', description: 'A name for messages.' },
  only: nameList('Run only for these build names.'),
  except: nameList('Run for every build except these build names.'),
  keep_input_artifact: {
    type: 'boolean',
    default: false,
    description: 'Keep the artifact this post-processor received instead of deleting it.',
  },
} as const;

const postProcessorRef = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
  ],
} as const;

/** The template's top level; each plugin block is checked against its plugin's schema afterwards. */
export const envelopeSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['builders'],
  properties: {
    $schema: { type: 'string', description: 'JSON Schema for editors; ignored by bake.' },
    description: { type: 'string', description: 'What the template builds; shown by `bake inspect`.' },
    min_packer_version: { type: 'string', description: 'Accepted for compatibility; bake does not compare versions.' },
    push: { type: 'object', description: 'Packer\'s retired Atlas `push` settings: accepted with a warning and ignored.' },
    variables: {
      type: 'object',
      additionalProperties: { type: ['string', 'null'] },
      description: 'User variables and their defaults; a null default makes the variable required.',
    },
    'sensitive-variables': nameList('Variables whose values are redacted in every message, error and manifest.'),
    builders: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['type'], properties: builderCommonProperties },
      errorMessage: { minItems: 'at least one builder is needed' },
      description: 'One build per entry.',
    },
    provisioners: {
      type: 'array',
      items: { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
      description: 'Run in order on every build they apply to.',
    },
    'error-cleanup-provisioner': {
      type: 'object',
      required: ['type'],
      properties: { type: { type: 'string' } },
      description: 'Runs over the same connection when a provisioner fails, before the builder cleans up.',
    },
    'post-processors': {
      type: 'array',
      items: {
        anyOf: [postProcessorRef, { type: 'array', items: postProcessorRef }],
        errorMessage: 'must be a type name, an object with "type", or a list of those (a chain)',
      },
      description: 'Each entry runs on the build\'s artifact; a nested list is a chain, each step getting the previous one\'s artifact.',
    },
  },
} as const;
