import type { ErrorObject } from 'ajv';
import { didYouMean } from './did-you-mean.js';

/** JSON path for messages: ["builders", 1, "ssh_port"] → builders[1].ssh_port. */
export function jsonPath(base: string, segments: (string | number)[]): string {
  let out = base;
  for (const s of segments) {
    if (typeof s === 'number' || /^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function describe(err: ErrorObject): string {
  const p = err.params as Record<string, any>;
  switch (err.keyword) {
    case 'type': {
      const types = String(p.type).split(',');
      return `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`;
    }
    case 'enum': return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const': return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum': return `must be ≥ ${p.limit}`;
    case 'maximum': return `must be ≤ ${p.limit}`;
    case 'exclusiveMinimum': return `must be > ${p.limit}`;
    case 'exclusiveMaximum': return `must be < ${p.limit}`;
    case 'minLength': return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit} characters long`;
    case 'maxLength': return `must be at most ${p.limit} characters long`;
    case 'minItems': return p.limit === 1 ? 'must not be empty' : `must have at least ${p.limit} items`;
    case 'maxItems': return `must have at most ${p.limit} items`;
    case 'pattern': return `must match ${p.pattern}`;
    case 'anyOf': case 'oneOf': return 'does not match any of the allowed forms';
    case 'not': return 'is not allowed here';
    default: return err.message ?? `is invalid (${err.keyword})`;
  }
}

/**
 * One line per ajv error: `t.json: builders[1].ssh_timeout: must be a duration like "5m"`.
 * `base` is the JSON path of the validated value ("builders[1]"); `extraKeys` are keys handled
 * outside the schema, offered in did-you-mean suggestions too.
 */
export function formatAjvErrors(file: string, base: string, errors: ErrorObject[], extraKeys: string[] = []): string[] {
  const branches = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  const lines = new Set<string>();
  for (const err of errors) {
    if (err.keyword === 'if') continue;
    // The failures inside each alternative of an anyOf/oneOf are noise next to its own error.
    if (branches.some((b) => err.schemaPath.startsWith(`${b}/`))) continue;
    const segments = pointerSegments(err.instancePath);
    const p = err.params as Record<string, any>;
    if (err.keyword === 'dependencies' || err.keyword === 'dependentRequired') {
      lines.add(`${file}: ${jsonPath(base, [...segments, p.property])}: needs "${p.missingProperty}" too`);
    } else if (err.keyword === 'required') {
      lines.add(`${file}: ${jsonPath(base, [...segments, p.missingProperty])}: required`);
    } else if (err.keyword === 'additionalProperties') {
      const known = Object.keys((err.parentSchema?.properties as object | undefined) ?? {});
      const candidates = segments.length === 0 ? [...known, ...extraKeys] : known;
      lines.add(`${file}: ${jsonPath(base, [...segments, p.additionalProperty])}: unknown key${didYouMean(p.additionalProperty, candidates)}`);
    } else {
      const where = jsonPath(base, segments);
      lines.add(`${file}: ${where ? `${where}: ` : ''}${describe(err)}`);
    }
  }
  return [...lines];
}
