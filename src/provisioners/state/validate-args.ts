import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { StateFunction } from './types.js';

// Created on first use: loading ajv at start-up would cost every command that never checks a state.
let ajv: Ajv | undefined;
const newAjv = (): Ajv => {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  return new AjvClass({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });
};
const compiled = new Map<string, ValidateFunction>();

function message(e: ErrorObject): string {
  const at = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
  switch (e.keyword) {
    case 'required':
      return `missing required argument "${(e.params as { missingProperty: string }).missingProperty}"`;
    case 'additionalProperties':
      return at ? `${at}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"` : `unknown argument "${(e.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `${at}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at || 'arguments'}: ${e.message}`;
  }
}

/**
 * Checks (and fills defaults into) a state's arguments against its function's schema. Returns
 * one message per problem, each naming the argument as Salt would.
 */
export function validateArgs(fn: StateFunction, args: Record<string, unknown>): string[] {
  let v = compiled.get(fn.name);
  if (!v) {
    v = (ajv ??= newAjv()).compile(fn.schema);
    compiled.set(fn.name, v);
  }
  if (v(args)) return [];
  const errors = (v.errors ?? []).filter((e) => e.keyword !== 'anyOf' || !(v.errors ?? []).some((o) => o !== e && o.instancePath === e.instancePath));
  return [...new Set(errors.map(message))];
}
