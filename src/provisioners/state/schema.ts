import type { FromSchema } from 'json-schema-to-ts';
import { bool, oneOfStrings, str, stringMap } from '../../plugins/schema-helpers.js';

export const stateSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    states: {
      type: 'object',
      additionalProperties: { type: 'object' },
      description: 'Inline states: a map of state id to { "<module>.<function>": { arguments } }, as in Salt.',
    },
    state_file: str('A JSON or YAML file of states (relative to the template). Its `source` paths are relative to it.'),
    state_files: { type: 'array', items: { type: 'string' }, description: 'Several state files, applied as one set in the order given (after `state_file`, before inline `states`).' },
    vars: stringMap('Values for `{{ .key }}` in state files and `template: true` files (the builder\'s values, e.g. HTTPIP, are available too).'),
    test: bool('Only check: report what would change, change nothing.', false),
    verify_idempotent: bool('Apply twice and fail if the second pass changes anything.', false),
    fail_fast: bool('Stop at the first failed state; false runs every state whose requisites did not fail, and fails at the end.', true),
    service_mode: oneOfStrings(
      ['full', 'enable-only'] as const,
      'full: service.running starts (and service.dead stops) services, which needs systemd running on the guest; enable-only: they only enable (disable) them, for an image that boots later.',
      'full',
    ),
    use_sudo: bool('Run everything through `sudo -n` (for a login that is not root).', false),
    remote_temp_dir: str('Guest directory for uploaded files before they are moved into place.', '/tmp'),
  },
} as const;

export type StateConfig = FromSchema<typeof stateSchema>;

/** The config with defaults applied: what the provisioner works from. */
export interface ResolvedStateConfig {
  inline?: Record<string, unknown>;
  /** State files in order, each with the key it came from (for messages): `state_file`, `state_files[2]`. */
  files: { path: string; key: string }[];
  vars: Record<string, string>;
  test: boolean;
  verifyIdempotent: boolean;
  failFast: boolean;
  serviceMode: 'full' | 'enable-only';
  sudo: boolean;
  tmpDir: string;
}

export function resolveStateConfig(c: StateConfig): ResolvedStateConfig {
  return {
    ...(c.states ? { inline: c.states as Record<string, unknown> } : {}),
    files: [...(c.state_file ? [{ path: c.state_file, key: 'state_file' }] : []), ...(c.state_files ?? []).map((path, i) => ({ path, key: `state_files[${i}]` }))],
    vars: { ...(c.vars ?? {}) },
    test: c.test ?? false,
    verifyIdempotent: c.verify_idempotent ?? false,
    failFast: c.fail_fast ?? true,
    serviceMode: c.service_mode ?? 'full',
    sudo: c.use_sudo ?? false,
    tmpDir: c.remote_temp_dir ?? '/tmp',
  };
}
