import { statSync } from 'node:fs';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import { localPlanLines, type OpenedSource, sourceMetadata } from '../../local-image/index.js';
import type { Builder } from '../../plugins/types.js';
import type { ResolvedChroot } from './resolve.js';
import type { Outcome } from './state.js';
import { mountStep } from './steps/mount.js';
import { outputDirStep } from './steps/output-dir.js';
import { outputImageStep } from './steps/output-image.js';
import { provisionStep } from './steps/provision.js';
import { releaseStep } from './steps/release.js';
import { sourceStep } from './steps/source.js';
import { workingDiskStep } from './steps/working-disk.js';

/** The steps of one chroot build, in order; each undoes what it made (the output directory only on failure). */
export function chrootPipeline(c: ResolvedChroot, outcome: Outcome) {
  return Pipeline.start()
    .then(outputDirStep(c, outcome))
    .then(sourceStep(c))
    .then(workingDiskStep(c))
    .then(mountStep(c))
    .then(provisionStep(c))
    .then(releaseStep())
    .then(outputImageStep(c))
    .then({
      name: 'finish',
      run: async () => {
        outcome.succeeded = true;
        return {};
      },
    });
}

export class ChrootBuilder implements Builder {
  constructor(readonly cfg: ResolvedChroot) {}

  /** `bake plan`: the source image and the output path the build would use. */
  async plan(ctx: BuildContext): Promise<string[]> {
    return localPlanLines('chroot', this.cfg, ctx);
  }

  async run(ctx: BuildContext): Promise<Artifact> {
    return chrootPipeline(this.cfg, { succeeded: false }).runTo(ctx, {}, (state) => this.artifact(ctx, state));
  }

  private artifact(ctx: BuildContext, state: { imagePath: string; rootPartition: number; rootFsType: string } & OpenedSource): Artifact {
    const size = statSync(state.imagePath).size;
    return {
      builderType: 'chroot',
      buildName: ctx.buildName,
      id: state.imagePath,
      files: [state.imagePath],
      images: { local: state.imagePath },
      metadata: { format: this.cfg.format, ...sourceMetadata(state), size, root_partition: state.rootPartition, root_filesystem: state.rootFsType },
      description: `disk image (${this.cfg.format}, ${(size / 1024 / 1024).toFixed(0)} MiB): ${state.imagePath}`,
    };
  }
}
