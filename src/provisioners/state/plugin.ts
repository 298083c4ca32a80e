import { ErrorList, UsageError } from '../../core/errors.js';
import type { ProvisionerPlugin } from '../../plugins/types.js';
import { readStateFilesNow } from './check-files.js';
import { checkStates } from './plan.js';
import { StateProvisioner } from './provisioner.js';
import { resolveStateConfig, stateSchema, type StateConfig } from './schema.js';

export const plugin: ProvisionerPlugin<StateConfig> = {
  kind: 'provisioner',
  type: 'state',
  description: 'Applies declarative, idempotent states (packages, files, users, services, commands), as Salt does, over the machine\'s shell.',
  schema: stateSchema,
  create(config, env) {
    const resolved = resolveStateConfig(config);
    // Checked here rather than with a schema anyOf, so the user reads one line instead of one per branch.
    if (!resolved.inline && !resolved.files.length) throw new UsageError('needs "states", "state_file" or "state_files"');
    const prefix = `${env.file}: ${env.path}.states.`;
    // Checked here, so `bake validate` reports every problem of the state files and inline states
    // at once; the files are read again when the build runs (with the builder's real values).
    const files = readStateFilesNow(resolved.files, env.templateDir, resolved.vars, `${env.file}: ${env.path}`);
    const sources = [...files.sources, ...(resolved.inline ? [{ prefix, baseDir: env.templateDir, raw: structuredClone(resolved.inline) }] : [])];
    const errors = [...files.errors, ...checkStates(sources).errors];
    if (errors.length) throw new ErrorList(errors);
    return new StateProvisioner(resolved, prefix);
  },
};
