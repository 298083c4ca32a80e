/**
 * Small builders for the JSON Schema fragments every plugin repeats, so messages read the same
 * everywhere. Values arrive as strings after interpolation; ajv runs with coerceTypes, so "22" is a
 * valid integer and "true" a valid boolean, as in Packer.
 */

/** Packer durations: "5m", "90s", "1h30m", "500ms", or a number of seconds. */
export const DURATION_PATTERN = '^(\\d+(\\.\\d+)?|(\\d+(\\.\\d+)?(ms|h|m|s))+)$';

export function duration<const D extends string>(description: string, defaultValue?: D) {
  return {
    type: 'string',
    pattern: DURATION_PATTERN,
    description,
    errorMessage: { pattern: 'must be a duration like "5m"' },
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  } as const;
}

export function str<const D extends string>(description: string, defaultValue?: D) {
  return { type: 'string', description, ...(defaultValue === undefined ? {} : { default: defaultValue }) } as const;
}

export function bool<const D extends boolean>(description: string, defaultValue?: D) {
  return { type: 'boolean', description, ...(defaultValue === undefined ? {} : { default: defaultValue }) } as const;
}

export function int<const D extends number>(description: string, defaultValue?: D, minimum = 0) {
  return { type: 'integer', minimum, description, ...(defaultValue === undefined ? {} : { default: defaultValue }) } as const;
}

export function port(description: string) {
  return { type: 'integer', minimum: 1, maximum: 65535, description } as const;
}

export function stringList(description: string) {
  return { type: 'array', items: { type: 'string' }, description } as const;
}

/** Packer's repeatable `tag { key = "…" value = "…" }` blocks, HCL2's way to write a map whose keys are computed. */
export function keyValueList(description: string) {
  return {
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['key', 'value'], properties: { key: { type: 'string' }, value: { type: 'string' } } },
    description,
  } as const;
}

/** The same with `name` for the key, as Packer's run_volume_tag has it. */
export function nameValueList(description: string) {
  return {
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string' }, value: { type: 'string' } } },
    description,
  } as const;
}

export function stringMap(description: string) {
  return { type: 'object', additionalProperties: { type: 'string' }, description } as const;
}

export function oneOfStrings<const V extends readonly string[]>(values: V, description: string, defaultValue?: V[number]) {
  return {
    type: 'string',
    enum: values,
    description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  } as const;
}
