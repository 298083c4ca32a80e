import type { SshOptions } from '../../communicator/index.js';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import type { Builder } from '../../plugins/types.js';
import { connectStep, provisionStep } from './steps.js';

/** Provisions a machine that already exists; like Packer's null builder it makes no artifact. */
export class NullBuilder implements Builder {
  constructor(readonly ssh: SshOptions | undefined) {}

  async run(ctx: BuildContext): Promise<Artifact | undefined> {
    await Pipeline.start().then(connectStep(this.ssh)).then(provisionStep(this.ssh)).run(ctx, {});
    return undefined;
  }
}
