import { UsageError } from '../core/errors.js';

/** `-var k=v` values into a map; a value may itself contain "=". */
export function parseVarFlags(values: string[] | undefined): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`-var ${JSON.stringify(v)}: expected key=value`);
    vars[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return vars;
}

export function parseBoolFlag(name: string, value: string | boolean | undefined, defaultValue: boolean): boolean {
  if (value === undefined) return defaultValue;
  if (typeof value === 'boolean') return value;
  if (/^(true|1|yes)$/i.test(value)) return true;
  if (/^(false|0|no)$/i.test(value)) return false;
  throw new UsageError(`-${name}=${value}: expected true or false`);
}

export function parseIntFlag(name: string, value: string | undefined, defaultValue: number): number {
  if (value === undefined) return defaultValue;
  if (!/^\d+$/.test(value)) throw new UsageError(`-${name}=${value}: expected a whole number ≥ 0`);
  return Number(value);
}
