import { basename, dirname, resolve } from 'node:path';
import { ErrorList } from '../../../core/errors.js';
import { keepVerbatim, processRedactor } from '../../../core/redactor.js';
import { dataSources as bakeDataSources } from '../../../datasources/index.js';
import type { DataSourcePlugin } from '../../../datasources/types.js';
import { RUN_START } from '../../interpolate/index.js';
import { withoutSecrets } from '../../load/fingerprint-source.js';
import { postProcessorExcept, redact, selector, type LoadOptions } from '../../load/load-template.js';
import type { Loader } from '../../load/loader.js';
import type { BuildPlan, PlannedBuild } from '../../plan.js';
import { Diagnostics } from '../diagnostics.js';
import type { EvalContext } from '../evaluate.js';
import { functionTable } from '../functions/index.js';
import { gatherConfig, type Config } from './blocks.js';
import { planHclBuilds } from './builds.js';
import { placeError, placeWarning } from './error-map.js';
import { readTemplateFiles } from './files.js';
import { evaluateLocalsAndData } from './locals-and-data.js';
import { checkPackerBlocks, PACKER_COMPAT_VERSION } from './packer-block.js';
import { UNKNOWN_VARIABLE, type RangeMap } from './plugin-body.js';
import { leafStrings, resolveVariables, type ResolvedVariables } from './variables.js';

export interface Hcl2LoadOptions extends LoadOptions {
  /** False for validate and inspect: data sources are not read and their outputs are unknown. Default true. */
  readData?: boolean;
  signal?: AbortSignal;
  dataSources?: ReadonlyMap<string, DataSourcePlugin>;
}

/** A loaded template's evaluation context (var, local, data, path, packer) and what it declares. */
export interface Hcl2Template {
  path: string;
  templateDir: string;
  config: Config;
  ctx: EvalContext;
  variables: ResolvedVariables;
  sensitiveValues: string[];
  diags: Diagnostics;
}

/**
 * Reads a template and evaluates it in Packer's order: variables, then locals and data sources
 * as one graph. Errors are collected in `diags`, not thrown (except syntax errors).
 */
export async function evaluateHcl2Template(path: string, options: Hcl2LoadOptions): Promise<Hcl2Template> {
  const files = readTemplateFiles(path);
  // The folder relative paths start from (path.root): the file's folder, or the directory itself.
  const templateDir = resolve(files.directory ? path : dirname(path));
  const diags = new Diagnostics();
  const config = gatherConfig(files.bodies, diags);
  const now = options.now ?? RUN_START;
  const env = options.env ?? process.env;
  const functions = functionTable({ baseDir: templateDir, now });
  const variables = resolveVariables(
    config.variables,
    { env, autoVarFiles: files.autoVarFiles, varFiles: options.varFiles ?? [], vars: options.vars ?? {} },
    functions,
    functionTable({ baseDir: templateDir, now, env }),
    diags,
  );
  const sensitiveValues: string[] = [];
  for (const name of variables.sensitive) leafStrings(variables.values[name], sensitiveValues);
  const ctx: EvalContext = {
    variables: {
      var: variables.values,
      path: { root: templateDir, cwd: process.cwd() },
      packer: { version: PACKER_COMPAT_VERSION },
    },
    functions,
  };
  const dataSources = options.dataSources ?? bakeDataSources;
  checkPackerBlocks(config.packer, ctx, options.registry, dataSources, diags);
  await evaluateLocalsAndData(
    { locals: config.locals, data: config.data, dataSources, readData: options.readData ?? true, signal: options.signal ?? new AbortController().signal, templateDir, ctx, sensitiveValues },
    diags,
  );
  return { path, templateDir, config, ctx, variables, sensitiveValues, diags };
}

/**
 * The HCL2 front end: a .pkr.hcl or .pkr.json file, or a directory of them, to the same plan of
 * builds the JSON reader makes, through the same plugin schemas and planning code.
 */
export async function loadHcl2Template(path: string, options: Hcl2LoadOptions): Promise<BuildPlan> {
  if (options.syntaxOnly) {
    const diags = new Diagnostics();
    const files = readTemplateFiles(path);
    gatherConfig(files.bodies, diags);
    diags.throwIfAny();
    return { file: path, templateDir: resolve(files.directory ? path : dirname(path)), variables: [], builds: [], sensitiveValues: [], warnings: diags.warnings };
  }
  const t = await evaluateHcl2Template(path, options);
  const { diags } = t;
  const plan: BuildPlan = {
    file: path,
    templateDir: t.templateDir,
    variables: t.variables.planned,
    builds: [],
    sensitiveValues: [...new Set(t.sensitiveValues)],
    warnings: diags.warnings,
  };
  keepVerbatim(path, resolve(path), basename(path));
  const loader: Loader = {
    file: path,
    templateDir: t.templateDir,
    registry: options.registry,
    userVars: {},
    stableVars: {},
    unsetVars: new Set([UNKNOWN_VARIABLE]),
    now: options.now ?? RUN_START,
    findings: { errors: [], warnings: plan.warnings, sensitiveValues: plan.sensitiveValues },
    exceptPostProcessor: postProcessorExcept(options.except),
  };
  const ranges: RangeMap = new Map();
  const labels = new Map<string, string>();
  let planned: ReturnType<typeof planHclBuilds>;
  try {
    planned = planHclBuilds(t.config, t.ctx, loader, ranges, labels, diags, selector(options.only, options.except));
  } finally {
    for (const v of plan.sensitiveValues) processRedactor.add(v);
  }
  for (const line of loader.findings.errors) diags.error(undefined, placeError(line, path, ranges, labels));
  plan.warnings.splice(0, plan.warnings.length, ...plan.warnings.map((line) => placeWarning(line, path, ranges, labels)));
  if (diags.errors.length > 0) throw new ErrorList(diags.errors.map((line) => redact(line, plan.sensitiveValues)));

  if (planned.descriptions.length > 0) plan.description = planned.descriptions.join('\n');
  const missing = planned.skipped.filter((s) => s.missing);
  if (missing.length > 0) {
    const list = missing.map((s) => `${s.name} (${s.type})`).join(', ');
    plan.warnings.push(`${path}: skipping ${list}: bake has no builder of ${missing.length === 1 ? 'that type' : 'those types'}, and -only/-except leaves ${missing.length === 1 ? 'it' : 'them'} out`);
  }
  // Builds left out by -only/-except, and (validate) builds whose config waits for a data source: names the flags may match, never run.
  const unready = planned.heads.filter((h) => !h.builder);
  plan.skippedBuilds = [...planned.skipped.map((s) => s.name), ...unready.map((h) => h.name)];
  plan.postProcessorNames = planned.postProcessorNames;
  plan.builds = planned.heads
    .filter((h) => h.builder)
    .map(
      (head): PlannedBuild => ({
        name: head.name,
        type: head.type,
        path: head.path,
        builder: head.builder!,
        provisioners: planned.provisioners.get(head.name) ?? [],
        ...(planned.errorCleanup.has(head.name) ? { errorCleanupProvisioner: planned.errorCleanup.get(head.name)! } : {}),
        postProcessorChains: planned.postProcessors.get(head.name) ?? [],
        fingerprint: head.fingerprint && withoutSecrets(head.fingerprint, plan.sensitiveValues),
        sbom: head.sbom,
      }),
    );
  return plan;
}
