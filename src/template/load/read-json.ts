import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { findJsonSyntaxError, scanJson } from './json-syntax.js';

/** Reads a JSON file; a syntax error reads `t.json:12:5: expected ',' or '}', found token '"'`. */
export function readJsonFile(file: string, what: string): unknown {
  return readJsonText(file, what).json;
}

function readJsonText(file: string, what: string): { text: string; json: unknown } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new UsageError(`${file}: cannot read the ${what}: ${why}`);
  }
  try {
    return { text, json: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch {
    const problem = findJsonSyntaxError(text);
    if (!problem) throw new UsageError(`${file}: not valid JSON`);
    throw new UsageError(`${file}:${problem.line}:${problem.column}: ${problem.message}`);
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The template as written (comments kept), for `bake fmt` and `bake inspect`. */
export function readTemplateFile(file: string): Record<string, unknown> {
  return readTemplate(file).template;
}

/** The template as written, and warnings about duplicate keys (`t.json:5:7: duplicate key "ssh_port"; …`). */
export function readTemplate(file: string): { template: Record<string, unknown>; warnings: string[] } {
  if (/\.ya?ml$/i.test(file)) throw new UsageError(`${file}: templates are JSON (as Packer's legacy templates); YAML is not a template format`);
  if (/\.pkr\.hcl$/i.test(file)) throw new UsageError(`${file}: HCL2 templates are not supported; bake reads Packer's JSON templates`);
  const { text, json } = readJsonText(file, 'template');
  if (!isObject(json)) throw new UsageError(`${file}: a template must be a JSON object`);
  const warnings = scanJson(text).duplicates.map((d) => `${file}:${d.line}:${d.column}: ${d.message}`);
  return { template: json, warnings };
}

/**
 * Drops comment keys: `_comment` anywhere, and any key starting with "_" at the top level and
 * at the top of each builder, provisioner and post-processor, as Packer does.
 */
export function stripComments(value: unknown, underscoreKeys = false): unknown {
  if (Array.isArray(value)) return value.map((v) => stripComments(v));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '_comment' || (underscoreKeys && k.startsWith('_'))) continue;
    out[k] = stripComments(v);
  }
  return out;
}
