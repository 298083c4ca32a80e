const COERCED = new Set(['integer', 'number', 'boolean']);

/**
 * A copy of a plugin schema fit for editors: bake coerces values after interpolation, so a
 * number or boolean may be written as a string ("22", "{{user `port`}}"), a list as its single
 * item, and a patterned string may be a `{{ }}` expression. ajv-errors' `errorMessage` is
 * dropped (not a draft-07 keyword).
 */
export function forEditors(schema: unknown): any {
  if (Array.isArray(schema)) return schema.map(forEditors);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'errorMessage') continue;
    out[key] = forEditors(value);
  }
  const types = typeof out.type === 'string' ? [out.type] : Array.isArray(out.type) ? [...(out.type as string[])] : undefined;
  const itemType = (out.items as { type?: unknown } | undefined)?.type;
  if (types?.includes('array') && typeof itemType === 'string' && !types.includes(itemType)) types.push(itemType);
  if (types && types.some((t) => COERCED.has(t)) && !types.includes('string')) types.push('string');
  if (types) out.type = types.length === 1 ? types[0] : types;
  if (typeof out.pattern === 'string') out.pattern = `(?:${out.pattern})|\\{\\{`;
  return out;
}
