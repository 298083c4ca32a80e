import { readFileSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import { findJsonSyntaxError, scanJson } from './json-syntax.js';
import { sourceExcerpt } from './source-excerpt.js';

/** `-` as a template path: the template comes on standard input, as `packer build -` reads it. */
export const STDIN = '-';
let stdinText: string | undefined;

/** The name a template is called by in messages: its path, or `<stdin>`. */
export function templateName(file: string): string {
  return file === STDIN ? '<stdin>' : file;
}

/** The text of a template or var file; stdin is read once (validate and build may both ask). */
export function readSource(file: string): string {
  if (file !== STDIN) return readFileSync(file, 'utf8');
  stdinText ??= readFileSync(0, 'utf8');
  return stdinText;
}

/** Reads a JSON file; a syntax error reads `t.json:12:5: expected ',' or '}', found token '"'`. */
export function readJsonFile(file: string, what: string): unknown {
  return readJsonText(file, what).json;
}

function readJsonText(file: string, what: string): { text: string; json: unknown } {
  let text: string;
  const name = templateName(file);
  try {
    text = readSource(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new UsageError(`${name}: cannot read the ${what}: ${why}`);
  }
  try {
    return { text, json: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch {
    const problem = findJsonSyntaxError(text);
    if (!problem) throw new UsageError(`${name}: not valid JSON`);
    // A var-file's lines are not shown: they may hold secrets, and CI logs keep what is printed.
    const detail = what === 'template' ? sourceExcerpt(text, problem.line, problem.column) : undefined;
    throw new UsageError(`${name}:${problem.line}:${problem.column}: ${problem.message}`, { detail });
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
  const name = templateName(file);
  if (/\.ya?ml$/i.test(file)) throw new UsageError(`${file}: templates are JSON (as Packer's legacy templates); YAML is not a template format`);
  if (/\.pkr\.hcl$/i.test(file)) throw new UsageError(`${file}: HCL2 templates are not supported; bake reads Packer's JSON templates`);
  const { text, json } = readJsonText(file, 'template');
  if (!isObject(json)) throw new UsageError(`${name}: a template must be a JSON object`);
  const warnings = scanJson(text).duplicates.map((d) => `${name}:${d.line}:${d.column}: ${d.message}`);
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
