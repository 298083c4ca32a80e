import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { errorText } from '../../core/errors.js';
import { renderVars } from './render.js';

/** One source of states: where it came from (for messages and relative paths) and its raw map. */
export interface StateSource {
  /** Prefix naming a state in messages: `t.json: provisioners[1].states.` or `web.yaml: `. */
  prefix: string;
  baseDir: string;
  raw: unknown;
}

/**
 * Reads a state file (JSON or YAML, by content: JSON is YAML) and renders `{{ .key }}` in it.
 * Throws a one-line message naming the file.
 */
export async function readStateFile(file: string, templateDir: string, vars: Record<string, string>, where: string): Promise<StateSource> {
  const path = isAbsolute(file) ? file : resolve(templateDir, file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${where}: state file ${file} does not exist or cannot be read`);
  }
  // Loaded here rather than at start-up, so `bake validate` of a template without state files stays fast.
  const { parse: parseYaml } = await import('yaml');
  // Outside the try below: its message already names the file.
  const rendered = renderVars(text, vars, file);
  let raw: unknown;
  try {
    raw = parseYaml(rendered, { prettyErrors: true });
  } catch (err) {
    throw new Error(`${file}: ${errorText(err).split('\n')[0].replace(/:$/, '')}`);
  }
  return { prefix: `${file}: `, baseDir: dirname(path), raw: raw ?? {} };
}
