import { basename, dirname, resolve } from 'node:path';
import { ErrorList } from '../../core/errors.js';
import { globToRegExp, splitList } from '../../core/select.js';
import { keepVerbatim, processRedactor, Redactor } from '../../core/redactor.js';
import type { Registry } from '../../plugins/registry.js';
import { RUN_START } from '../interpolate/index.js';
import type { BuildPlan, PlannedBuild } from '../plan.js';
import { validatorFor } from './ajv.js';
import { planBuilders } from './builders.js';
import { envelopeSchema } from './envelope-schema.js';
import { formatAjvErrors } from './format-errors.js';
import type { Loader } from './loader.js';
import { planPostProcessors, postProcessorNames } from './post-processors.js';
import { planProvisioners } from './provisioners.js';
import { readTemplate, stripComments, templateName } from './read-json.js';
import { withoutSecrets } from './fingerprint-source.js';
import { resolveVariables } from './variables.js';

export interface LoadOptions {
  registry: Registry;
  /** -var name=value, in the order given (later wins). */
  vars?: Record<string, string>;
  /** -var-file paths, in the order given (later wins; -var wins over all of them). */
  varFiles?: string[];
  /** Parse and check the envelope only: no variables resolved, no plugin checks, `builds` empty. */
  syntaxOnly?: boolean;
  /** The run's start, for {{timestamp}} and {{isotime}}; default: when bake started, the time render() uses too. */
  now?: Date;
  env?: NodeJS.ProcessEnv;
  /**
   * The run's -only/-except: builds they leave out may use builder types bake does not have
   * (a template's virtualbox-iso beside its qemu); those are skipped with a warning.
   */
  only?: string[];
  except?: string[];
}

interface Envelope {
  description?: string;
  variables?: Record<string, string | null>;
  'sensitive-variables'?: string[];
  builders: Record<string, unknown>[];
  provisioners?: Record<string, unknown>[];
  'error-cleanup-provisioner'?: Record<string, unknown>;
  'post-processors'?: unknown[];
}

/**
 * Reads, validates and plans a template. Every problem found is reported at once in one
 * ErrorList (exit 2), one line each: `t.json: builders[1].ssh_timeout: must be a duration like "5m"`.
 */
export function loadTemplate(path: string, options: LoadOptions): BuildPlan {
  // `-` (stdin) is called <stdin> in messages; its relative paths are the working directory's.
  const file = templateName(path);
  const templateDir = resolve(dirname(path));
  const read = readTemplate(path);
  const template = stripComments(read.template, true);
  const validate = validatorFor(envelopeSchema);
  if (!validate(template)) throw new ErrorList(formatAjvErrors(file, '', validate.errors ?? []));
  const envelope = template as unknown as Envelope;
  const sensitiveNames = envelope['sensitive-variables'] ?? [];
  const plan: BuildPlan = {
    file,
    templateDir,
    description: envelope.description,
    variables: [],
    builds: [],
    sensitiveValues: [],
    warnings: read.warnings,
    postProcessorNames: postProcessorNames(envelope['post-processors'] ?? []),
  };
  // Public templates still carry Atlas's `push` block; Packer 1.6.6 reads past it, so bake does too.
  if (Object.hasOwn(envelope, 'push')) plan.warnings.push(`${file}: push: ignored (Atlas push, retired by HashiCorp; bake builds where it runs)`);

  if (options.syntaxOnly) {
    plan.variables = Object.entries(envelope.variables ?? {}).map(([name, value]) => ({
      name,
      value: value ?? '',
      sensitive: sensitiveNames.includes(name),
    }));
    return plan;
  }

  const now = options.now ?? RUN_START;
  const variableInput = {
    file,
    templateDir,
    declared: envelope.variables ?? {},
    sensitiveNames,
    varFiles: options.varFiles ?? [],
    vars: options.vars ?? {},
    env: options.env ?? process.env,
    now,
  };
  const variables = resolveVariables(variableInput);
  plan.variables = variables.planned;
  for (const v of variables.planned) if (v.sensitive && v.value !== '') plan.sensitiveValues.push(v.value);
  // Errors name the template by its path: that is never a secret, even if a secret's value is in it.
  keepVerbatim(file, resolve(file), basename(file));

  const loader: Loader = {
    file,
    templateDir,
    registry: options.registry,
    userVars: variables.values,
    stableVars: resolveVariables({ ...variableInput, stable: true }).values,
    unsetVars: variables.unset,
    now,
    // Variable errors come first; the plugin checks still run, skipping values that use a variable without a value.
    findings: { errors: [...variables.errors], warnings: plan.warnings, sensitiveValues: plan.sensitiveValues },
    selected: selector(options.only, options.except),
    exceptPostProcessor: postProcessorExcept(options.except),
  };
  let heads: ReturnType<typeof planBuilders>;
  let provisioners: ReturnType<typeof planProvisioners>;
  let errorCleanup: ReturnType<typeof planProvisioners> | undefined;
  let postProcessors: ReturnType<typeof planPostProcessors>;
  try {
    heads = planBuilders(loader, envelope.builders);
    provisioners = planProvisioners(loader, envelope.provisioners ?? [], heads);
    const cleanup = envelope['error-cleanup-provisioner'];
    // It runs only on failure, so it is no part of what the image is made from (the fingerprint).
    if (cleanup) errorCleanup = planProvisioners(loader, [cleanup], heads.map((h) => ({ ...h, fingerprint: undefined })), () => 'error-cleanup-provisioner');
    postProcessors = planPostProcessors(loader, envelope['post-processors'] ?? [], heads);
  } finally {
    // Also when a plugin threw something unexpected: the top-level error path redacts with these.
    for (const v of plan.sensitiveValues) processRedactor.add(v);
  }
  if (loader.findings.errors.length > 0) throw new ErrorList(loader.findings.errors.map((line) => redact(line, plan.sensitiveValues)));

  const skipped = heads.filter((h) => h.skipped);
  if (skipped.length > 0) {
    const list = skipped.map((h) => (h.name === h.type ? h.type : `${h.name} (${h.type})`)).join(', ');
    plan.warnings.push(`${file}: skipping ${list}: bake has no builder of ${skipped.length === 1 ? 'that type' : 'those types'}, and -only/-except leaves ${skipped.length === 1 ? 'it' : 'them'} out`);
    plan.skippedBuilds = skipped.map((h) => h.name);
  }
  plan.builds = heads.filter((h) => !h.skipped).map(
    (head): PlannedBuild => ({
      name: head.name,
      type: head.type,
      path: head.path,
      builder: head.builder!,
      provisioners: provisioners.get(head.name) ?? [],
      ...(errorCleanup?.get(head.name)?.length ? { errorCleanupProvisioner: errorCleanup.get(head.name)![0] } : {}),
      postProcessorChains: postProcessors.get(head.name) ?? [],
      fingerprint: head.fingerprint && withoutSecrets(head.fingerprint, plan.sensitiveValues),
      sbom: head.sbom,
    }),
  );
  return plan;
}

/** As Packer's BuildNames: -only keeps the builds it names, then -except drops the builds it names. */
export function selector(only: string[] | undefined, except: string[] | undefined): ((name: string) => boolean) | undefined {
  const onlyGlobs = splitList(only).map(globToRegExp);
  const exceptGlobs = splitList(except).map(globToRegExp);
  if (onlyGlobs.length === 0 && exceptGlobs.length === 0) return undefined;
  return (name) => (onlyGlobs.length === 0 || onlyGlobs.some((g) => g.test(name))) && !exceptGlobs.some((g) => g.test(name));
}

/** -except names post-processors too (-only never does, as in Packer): by `name`, which defaults to the type, or by type. */
export function postProcessorExcept(except: string[] | undefined): ((name: string, type: string) => string | undefined) | undefined {
  const globs = splitList(except);
  if (globs.length === 0) return undefined;
  return (name, type) => globs.find((g) => globToRegExp(g).test(name) || globToRegExp(g).test(type));
}

/** Template errors can quote values (e.g. split's input); sensitive ones never reach the user. */
export function redact(line: string, secrets: string[]): string {
  const r = new Redactor();
  for (const s of secrets) r.add(s);
  return r.redact(line);
}
