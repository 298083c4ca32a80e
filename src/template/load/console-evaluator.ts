import { dirname, resolve } from 'node:path';
import { ErrorList, UsageError } from '../../core/errors.js';
import { Redactor } from '../../core/redactor.js';
import { render, RUN_START, UnsetVariable } from '../interpolate/index.js';
import { readTemplate, stripComments, templateName } from './read-json.js';
import { resolveVariables } from './variables.js';

/** What `bake console` asks of a template front end: one expression in, its value out (or a BakeError). */
export interface ConsoleEvaluator {
  evaluate(expression: string): string;
}

export interface ConsoleInput {
  /** The template, or undefined for the functions alone (as `packer console` without a template). */
  file?: string;
  vars: Record<string, string>;
  varFiles: string[];
  env?: NodeJS.ProcessEnv;
}

/**
 * The JSON front end: `{{ }}` expressions rendered as a template string of the template would be,
 * with its variables (defaults, -var-file, -var). A line without `{{` is taken as one action, so
 * `user \`region\`` works as well as `{{user \`region\`}}`. Sensitive values print as <sensitive>.
 */
export function jsonConsoleEvaluator(input: ConsoleInput): ConsoleEvaluator {
  const file = input.file === undefined ? '<console>' : templateName(input.file);
  const templateDir = resolve(input.file === undefined ? '.' : dirname(input.file));
  const template = input.file === undefined ? {} : (stripComments(readTemplate(input.file).template, true) as Record<string, unknown>);
  const declared = (template.variables ?? {}) as Record<string, string | null>;
  const sensitiveNames = (template['sensitive-variables'] ?? []) as string[];
  const variables = resolveVariables({ file, templateDir, declared, sensitiveNames, varFiles: input.varFiles, vars: input.vars, env: input.env ?? process.env, now: RUN_START });
  // A required variable left unset is only an error when an expression uses it.
  const errors = variables.errors.filter((e) => !/required variable not set/.test(e));
  if (errors.length > 0) throw new ErrorList(errors);
  const secrets = new Redactor();
  for (const v of variables.planned) if (v.sensitive) secrets.add(v.value);
  return {
    evaluate(expression) {
      const text = expression.includes('{{') ? expression : `{{${expression}}}`;
      try {
        return secrets.redact(render(text, { userVars: variables.values, templateDir, now: RUN_START, unsetVars: variables.unset }));
      } catch (err) {
        if (!(err instanceof UnsetVariable)) throw err;
        throw new UsageError(`variable "${err.variable}" has no value; give it with -var ${err.variable}=… or in a -var-file`);
      }
    },
  };
}
