import type { ProvisionerPlugin } from '../../plugins/types.js';
import { FileProvisioner } from './provisioner.js';
import { resolveFile } from './resolve.js';
import { type FileConfig, fileSchema } from './schema.js';

export const plugin: ProvisionerPlugin<FileConfig> = {
  kind: 'provisioner',
  type: 'file',
  description: 'Copies files and directories to (or from) the machine being built.',
  schema: fileSchema,
  create: (config, env) => new FileProvisioner(resolveFile(config, env)),
};
