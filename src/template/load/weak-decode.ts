type Schema = { type?: unknown; properties?: Record<string, Schema>; additionalProperties?: unknown; items?: unknown };

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

function scalarTypes(schema: Schema | undefined): string[] | undefined {
  const types = typeof schema?.type === 'string' ? [schema.type] : Array.isArray(schema?.type) ? (schema.type as string[]) : [];
  if (types.includes('string')) return undefined;
  const scalar = types.filter((t) => t === 'integer' || t === 'number' || t === 'boolean');
  return scalar.length > 0 ? scalar : undefined;
}

/**
 * What Packer's weak decoding does before ajv's coercion: an empty string for a number or boolean
 * option means "not set" (the key is dropped, so the default applies: the usual
 * `"ssh_port": "{{user `port`}}"` with an empty variable), and booleans take Go's ParseBool
 * spellings ("1", "t", "TRUE", "0", "f", "False", …). Changes `value` in place.
 */
export function weakDecode(value: unknown, schema: unknown): void {
  if (!value || typeof value !== 'object' || !schema || typeof schema !== 'object') return;
  const s = schema as Schema;
  if (Array.isArray(value)) {
    if (s.items && typeof s.items === 'object') value.forEach((v) => weakDecode(v, s.items));
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(record)) {
    const child = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? (s.additionalProperties as Schema) : undefined);
    const scalar = scalarTypes(child);
    if (scalar && typeof v === 'string') {
      if (v.trim() === '') delete record[key];
      else if (scalar.includes('boolean') && TRUE.has(v)) record[key] = true;
      else if (scalar.includes('boolean') && FALSE.has(v)) record[key] = false;
    } else {
      weakDecode(v, child);
    }
  }
}
