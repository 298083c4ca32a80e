import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { FunctionError, type HclFunction } from '../function-types.js';
import { str } from './args.js';

/** Reads a file a template names, relative to the template's folder; errors name the path. */
export function readTemplateFile(baseDir: string, path: string, arg = 0): string {
  const full = resolve(baseDir, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FunctionError(`cannot read ${JSON.stringify(path)}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code)}`, arg);
  }
}

/** A glob of fileset(): `*`, `?`, `[abc]`, `{a,b}` and `**` for any depth, as Go's doublestar. */
export function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      const slash = pattern[i + 2] === '/';
      re += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new FunctionError(`invalid pattern ${JSON.stringify(pattern)}: "[" is not closed`, 1);
      re += `[${pattern.slice(i + 1, end).replace(/^!/, '^')}]`;
      i = end;
    } else if (c === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) throw new FunctionError(`invalid pattern ${JSON.stringify(pattern)}: "{" is not closed`, 1);
      re += `(?:${pattern.slice(i + 1, end).split(',').map((p) => p.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('|')})`;
      i = end;
    } else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Every regular file under `root`, as paths relative to it with "/"; symbolic links are not followed, and the walk is bounded. */
function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string, depth: number) => {
    if (depth > 32 || out.length > 100_000) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      const full = join(dir, name);
      const st = lstatSync(full);
      if (st.isDirectory()) visit(full, depth + 1);
      else if (st.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  visit(root, 0);
  return out;
}

export function fileFunctions(baseDir: string): Record<string, HclFunction> {
  return {
    file: { arity: [1, 1], call: (a) => readTemplateFile(baseDir, str(a, 0)) },
    filebase64: { arity: [1, 1], call: (a) => Buffer.from(readTemplateFile(baseDir, str(a, 0)), 'utf8').toString('base64') },
    fileexists: {
      arity: [1, 1],
      call: (a) => {
        const p = resolve(baseDir, str(a, 0));
        if (!existsSync(p)) return false;
        if (!statSync(p).isFile()) throw new FunctionError(`${JSON.stringify(str(a, 0))} is not a regular file`, 0);
        return true;
      },
    },
    fileset: {
      arity: [2, 2],
      call: (a) => {
        const root = resolve(baseDir, str(a, 0));
        const re = globRegExp(str(a, 1));
        return existsSync(root) ? walk(root).filter((p) => re.test(p)) : [];
      },
    },
    abspath: { arity: [1, 1], call: (a) => resolve(str(a, 0)) },
    basename: { arity: [1, 1], call: (a) => basename(str(a, 0)) },
    dirname: { arity: [1, 1], call: (a) => dirname(str(a, 0)) },
    pathexpand: { arity: [1, 1], call: (a) => { const p = str(a, 0); return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p; } },
  };
}

