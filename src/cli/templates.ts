import { statSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import { selectNames } from '../core/select.js';
import { registry } from '../plugins/registry.js';
import { loadTemplate, type BuildPlan } from '../template/index.js';
import { parseVarFlags } from './vars.js';

/** A .pkr.hcl or .pkr.json file, or a directory: Packer's HCL2 forms; anything else is a legacy JSON template. */
export function isHcl2(path: string): boolean {
  if (/\.pkr\.(hcl|json)$/i.test(path)) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The HCL2 reader, loaded only when a template needs it, so JSON runs do not pay for its start-up. */
export function hcl2(): Promise<typeof import('../template/hcl2/index.js')> {
  return import('../template/hcl2/index.js');
}

/** A template of the run and the builds of it that -only/-except chose. */
export interface Stage {
  plan: BuildPlan;
  buildNames: string[];
}

export interface TemplateFlags {
  var?: string[];
  varFile?: string[];
  only?: string[];
  except?: string[];
}

/**
 * Reads every template before anything runs (a typo in the last one must not surface after the
 * first one's images are built). -only/-except apply across all of them: a name or glob must
 * match a build of some template, and a template none of whose builds is chosen is left out.
 */
export async function loadTemplates(files: string[], flags: TemplateFlags): Promise<Stage[]> {
  const plans: BuildPlan[] = [];
  for (const file of files) {
    const options = { registry, vars: parseVarFlags(flags.var), varFiles: flags.varFile ?? [], only: flags.only, except: flags.except };
    plans.push(isHcl2(file) ? await (await hcl2()).loadHcl2Template(file, options) : loadTemplate(file, options));
  }
  // Builds of builder types bake lacks (left out by -only/-except) are names the flags may match, never run.
  const skipped = new Set(plans.flatMap((p) => p.skippedBuilds ?? []));
  const all = plans.flatMap((p) => [...p.builds.map((b) => b.name), ...(p.skippedBuilds ?? [])]);
  const postProcessors = [...new Set(plans.flatMap((p) => p.postProcessorNames ?? []))];
  const chosen = selectNames([...new Set(all)], flags.only, flags.except, postProcessors).filter((n) => !skipped.has(n));
  const stages = plans.map((plan) => ({ plan, buildNames: plan.builds.map((b) => b.name).filter((n) => chosen.includes(n)) }));
  if (files.length === 1) return stages;
  const picked = stages.filter((s) => s.buildNames.length > 0);
  if (picked.length === 0) throw new UsageError('no build selected');
  return picked;
}
