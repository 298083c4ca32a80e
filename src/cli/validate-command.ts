import { registry } from '../plugins/registry.js';
import { loadTemplate } from '../template/index.js';
import { processRedactor } from '../core/redactor.js';
import { selectBuilds } from '../core/select.js';
import { hcl2, isHcl2 } from './templates.js';
import { parseVarFlags } from './vars.js';

export interface ValidateFlags {
  var?: string[];
  varFile?: string[];
  only?: string[];
  except?: string[];
  syntaxOnly?: boolean;
}

/** Throws an ErrorList with every problem at once; prints warnings and a success line otherwise. */
export async function validateCommand(file: string, flags: ValidateFlags): Promise<number> {
  const options = {
    registry,
    vars: parseVarFlags(flags.var),
    varFiles: flags.varFile ?? [],
    syntaxOnly: flags.syntaxOnly ?? false,
    only: flags.only,
    except: flags.except,
  };
  // HCL2: data sources are not read; their outputs are unknown, and what uses them is checked around them.
  const plan = isHcl2(file) ? await (await hcl2()).loadHcl2Template(file, { ...options, readData: false }) : loadTemplate(file, options);
  if (!flags.syntaxOnly) selectBuilds(plan, flags.only, flags.except);
  // Printed here, not through an event bus, so masked here: a build name may hold a sensitive value.
  for (const w of plan.warnings) process.stderr.write(`Warning: ${processRedactor.redact(w)}\n`);
  process.stdout.write(flags.syntaxOnly ? 'Syntax-only check passed. Everything looks okay.\n' : 'The configuration is valid.\n');
  return 0;
}
