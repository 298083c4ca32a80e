import type { SshOptions } from '../../communicator/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import type { Builder } from '../../plugins/types.js';
import { connectStep, provisionStep } from './steps.js';

/**
 * Provisions a machine that already exists. Like Packer's null builder it exports nothing, but it
 * still returns an artifact saying so ("Null"), so post-processors such as manifest record the build.
 */
export class NullBuilder implements Builder {
  constructor(readonly ssh: SshOptions | undefined) {}

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    await Pipeline.start().then(connectStep(this.ssh)).then(provisionStep(this.ssh)).run(ctx, {});
    return { builderType: 'null', buildName: ctx.buildName, id: 'Null', files: [], images: {}, metadata: this.ssh ? { source_uri: `ssh://${this.ssh.username}@${this.ssh.host.includes(':') ? `[${this.ssh.host}]` : this.ssh.host}:${this.ssh.port}` } : {}, description: 'did not export anything (null builder)' };
  }
}
