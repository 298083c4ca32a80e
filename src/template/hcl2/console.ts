import { Redactor } from '../../core/redactor.js';
import { evaluate } from './evaluate.js';
import { parseFile } from './parse-body.js';
import type { Hcl2Template } from './packer/load.js';
import { isObjectValue, isUnknown, numberText } from './values.js';

/** A value as HCL writes it: strings quoted, lists and objects over several lines. */
export function formatValue(v: unknown, indent = ''): string {
  if (v === null) return 'null';
  if (isUnknown(v)) return '(known after the data sources run)';
  if (typeof v === 'string') return v.includes('\n') ? `<<EOT\n${v}${v.endsWith('\n') ? '' : '\n'}EOT` : JSON.stringify(v);
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[\n${v.map((x) => `${inner}${formatValue(x, inner)},`).join('\n')}\n${indent}]`;
  if (isObjectValue(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    const width = Math.max(...keys.map((k) => k.length));
    return `{\n${keys.map((k) => `${inner}${(/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k)).padEnd(width)} = ${formatValue(v[k], inner)}`).join('\n')}\n${indent}}`;
  }
  return String(v);
}

/**
 * What `bake console` prints for one expression typed against a loaded HCL2 template (its var,
 * local, data, path and packer): the value as HCL writes it, sensitive values redacted.
 * Errors are thrown as HclError (`<console>:1:5: …`).
 */
export function evaluateConsoleExpression(template: Hcl2Template, expression: string): string {
  const body = parseFile('<console>', `value = ${expression}\n`);
  const value = evaluate(body.attributes[0].expr, template.ctx);
  const r = new Redactor();
  for (const s of template.sensitiveValues) r.add(s);
  return r.redact(formatValue(value));
}
