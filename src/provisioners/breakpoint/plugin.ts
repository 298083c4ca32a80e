import type { ProvisionerPlugin } from '../../plugins/types.js';
import { BreakpointProvisioner } from './provisioner.js';
import { type BreakpointConfig, breakpointSchema } from './schema.js';

export const plugin: ProvisionerPlugin<BreakpointConfig> = {
  kind: 'provisioner',
  type: 'breakpoint',
  description: 'Pauses the build until Enter is pressed (continues with a warning when stdin is not a terminal).',
  schema: breakpointSchema,
  create: (config) => new BreakpointProvisioner(config),
};
