import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { keepVerbatim } from '../../core/redactor.js';
import type { PluginEnv, PostProcessorPlugin } from '../../plugins/types.js';
import { VagrantPostProcessor } from './post-processor.js';
import { type VagrantConfig, vagrantSchema } from './schema.js';

// bento's ssh_password "vagrant" is a sensitive value, and a word in these names and messages of bake's own.
keepVerbatim('vagrant post-processor', 'vagrantfile_template', 'vagrantfile_template_content', 'vagrantfile_template_generated');

/** Packer names the box's architecture after Go's GOARCH of the host it runs on. */
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: 'i386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** A relative path as Packer reads it (from the working directory), else from the template's folder. */
function findFile(path: string, env: PluginEnv): string | undefined {
  if (isAbsolute(path)) return existsSync(path) ? path : undefined;
  return [resolve(path), resolve(env.templateDir, path)].find((p) => existsSync(p));
}

export const plugin: PostProcessorPlugin<VagrantConfig> = {
  kind: 'post-processor',
  type: 'vagrant',
  description: 'Makes a Vagrant box (libvirt provider) of a qemu build\'s disk.',
  schema: vagrantSchema,
  create: ({ override, ...base }, env) => {
    const where = `${env.file}: ${env.path}`;
    const config = { ...base, ...override?.libvirt };
    let template: string | undefined;
    if (config.vagrantfile_template_content !== undefined && config.vagrantfile_template === undefined) {
      throw new UsageError(`${where}.vagrantfile_template_content: needs vagrantfile_template to be set too, as in Packer`);
    }
    if (config.vagrantfile_template !== undefined && config.vagrantfile_template_content === undefined) {
      template = findFile(config.vagrantfile_template, env);
      if (!template && !config.vagrantfile_template_generated) {
        throw new UsageError(`${where}.vagrantfile_template: "${config.vagrantfile_template}" does not exist (looked in ${process.cwd()} and ${env.templateDir})`);
      }
      template ??= config.vagrantfile_template;
    }
    const include = (config.include ?? []).map((f) => findFile(f, env) ?? f);
    return new VagrantPostProcessor({
      where,
      output: config.output ?? 'packer_{{ .BuildName }}_{{ .Provider }}_{{ .Architecture }}.box',
      level: config.compression_level ?? 6,
      include,
      template,
      templateContent: config.vagrantfile_template_content,
      architecture: config.architecture ?? GO_ARCH[process.arch] ?? process.arch,
    });
  },
};
