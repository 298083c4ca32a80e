import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BakeError, errorText, UsageError } from '../core/errors.js';
import { processRedactor } from '../core/redactor.js';
import { jsonConsoleEvaluator, STDIN, type ConsoleEvaluator, type ConsoleInput } from '../template/index.js';
import { registry } from '../plugins/registry.js';
import { hcl2, isHcl2 } from './templates.js';
import { parseVarFlags } from './vars.js';

/**
 * Template front ends `bake console` can evaluate in, the first that accepts the file wins. A new
 * template language plugs in with one entry here (before the JSON one, which takes anything).
 */
const FRONT_ENDS: { accepts: (file: string | undefined) => boolean; evaluator: (input: ConsoleInput) => ConsoleEvaluator | Promise<ConsoleEvaluator> }[] = [
  { accepts: (file) => file !== undefined && file !== STDIN && isHcl2(file), evaluator: hcl2ConsoleEvaluator },
  { accepts: () => true, evaluator: jsonConsoleEvaluator },
];

/** HCL2: expressions such as `var.region` or `upper(local.name)`, against the template's variables and locals (data sources are not read). */
async function hcl2ConsoleEvaluator(input: ConsoleInput): Promise<ConsoleEvaluator> {
  const h = await hcl2();
  const template = await h.evaluateHcl2Template(input.file!, { registry, readData: false, vars: input.vars, varFiles: input.varFiles, env: input.env });
  return { evaluate: (expression) => h.evaluateConsoleExpression(template, expression) };
}

/**
 * `bake console [TEMPLATE] [EXPRESSION...]`, as `packer console`: evaluates each expression with
 * the template's variables (and -var, -var-file) and prints its value, one line each. Without
 * expressions on the command line it reads them from standard input, one per line (a prompt on a
 * terminal). A failing expression prints its error and the next one still runs; exit 1 if any failed.
 */
export async function consoleCommand(args: string[], flags: { var?: string[]; varFile?: string[] }): Promise<number> {
  const first = args[0];
  const file = first !== undefined && !first.includes('{{') && (first === STDIN || existsSync(first) || /\.(json|pkr\.hcl)$/i.test(first)) ? first : undefined;
  const expressions = file === undefined ? args : args.slice(1);
  if (file === STDIN && expressions.length === 0) throw new UsageError('bake console -: the template comes on standard input, so give the expressions as arguments');
  const input = { file, vars: parseVarFlags(flags.var), varFiles: flags.varFile ?? [] };
  const evaluator = await FRONT_ENDS.find((f) => f.accepts(file))!.evaluator(input);
  let failed = 0;
  const evaluate = (expression: string) => {
    try {
      process.stdout.write(`${evaluator.evaluate(expression)}\n`);
    } catch (err) {
      if (!(err instanceof BakeError)) throw err;
      failed++;
      process.stderr.write(`Error: ${processRedactor.redact(errorText(err))}\n`);
    }
  };
  if (expressions.length > 0) expressions.forEach(evaluate);
  else {
    const terminal = process.stdin.isTTY === true;
    const lines = createInterface({ input: process.stdin, output: terminal ? process.stdout : undefined, terminal, prompt: '> ' });
    if (terminal) lines.prompt();
    for await (const line of lines) {
      if (line.trim()) evaluate(line);
      if (terminal) lines.prompt();
    }
  }
  return failed > 0 ? 1 : 0;
}
