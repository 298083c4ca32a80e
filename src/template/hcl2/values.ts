/**
 * HCL values as plain JavaScript: string, number, boolean, null, arrays (tuples, lists, sets),
 * plain objects (objects, maps), and Unknown: a value not known until the build runs (a data
 * source's output during validate, build.* before the machine exists). Unknowns flow through
 * every operation, so a template validates without running its data sources.
 */
export class Unknown {
  private readonly unknown = true;
  toString(): string {
    return '(known after the data sources run)';
  }
}

export const UNKNOWN = new Unknown();

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export type ObjectValue = Record<string, unknown>;

export function isObjectValue(v: unknown): v is ObjectValue {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** Whether an unknown is anywhere inside. */
export function containsUnknown(v: unknown): boolean {
  if (v instanceof Unknown) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (isObjectValue(v)) return Object.values(v).some(containsUnknown);
  return false;
}

/** The type's name as HCL says it in messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Unknown) return 'unknown';
  if (Array.isArray(v)) return 'tuple';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

/** Keys in cty's iteration order (lexical), which for-expressions and keys()/values() follow. */
export function sortedKeys(o: ObjectValue): string[] {
  return Object.keys(o).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Deep equality as HCL's `==`: same type and value. */
export function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isObjectValue(a) && isObjectValue(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && equal(a[k], b[k]));
  }
  return a === b;
}

/** A number as cty prints it: integers without a fraction, no exponent for ordinary sizes. */
export function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return n.toFixed(0);
  return String(n);
}
