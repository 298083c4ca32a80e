import { evaluate } from '../../../src/template/hcl2/evaluate.js';
import { functionTable } from '../../../src/template/hcl2/functions/index.js';
import { parseFile } from '../../../src/template/hcl2/parse-body.js';

let n = 0;

/** Evaluates `src` as the value of an attribute, with `vars` as root names. */
export function ev(src: string, vars: Record<string, unknown> = {}, baseDir = '/tmp'): unknown {
  const file = `expr${++n}.hcl`;
  const body = parseFile(file, `v = ${src}\n`);
  return evaluate(body.attributes[0].expr, { variables: vars, functions: functionTable({ baseDir, now: new Date('2024-03-05T06:07:08Z') }) });
}

/** The message of what `fn` throws. */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('did not throw');
}
