import { FunctionError } from '../function-types.js';
import { ConversionError, convert } from '../types.js';
import { isObjectValue, typeName, type ObjectValue } from '../values.js';

/** Argument checks shared by the functions: each names the argument at fault. */
export function str(args: unknown[], i: number): string {
  const v = args[i];
  if (v === null) throw new FunctionError(`argument ${i + 1} must be a string, got null`, i);
  try {
    return convert(v, { kind: 'string' }) as string;
  } catch (err) {
    if (err instanceof ConversionError) throw new FunctionError(`argument ${i + 1} must be a string, got ${typeName(v)}`, i);
    throw err;
  }
}

export function num(args: unknown[], i: number): number {
  const v = args[i];
  try {
    const n = convert(v, { kind: 'number' });
    if (n === null) throw new ConversionError('', 'null');
    return n as number;
  } catch (err) {
    if (err instanceof ConversionError) throw new FunctionError(`argument ${i + 1} must be a number, got ${typeof v === 'string' ? JSON.stringify(v) : typeName(v)}`, i);
    throw err;
  }
}

export function list(args: unknown[], i: number): unknown[] {
  const v = args[i];
  if (!Array.isArray(v)) throw new FunctionError(`argument ${i + 1} must be a list, got ${typeName(v)}`, i);
  return v;
}

export function obj(args: unknown[], i: number): ObjectValue {
  const v = args[i];
  if (!isObjectValue(v)) throw new FunctionError(`argument ${i + 1} must be a map or object, got ${typeName(v)}`, i);
  return v;
}
