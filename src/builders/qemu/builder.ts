import { statSync } from 'node:fs';
import type { Artifact } from '../../core/artifact.js';
import type { BuildContext } from '../../core/context.js';
import { Pipeline } from '../../core/steps.js';
import { localPlanLines, type OpenedSource, sourceMetadata } from '../../local-image/index.js';
import type { Builder } from '../../plugins/types.js';
import { initialAccelerator } from './accelerator.js';
import type { ResolvedQemu } from './resolve.js';
import type { Outcome } from './state.js';
import { bootCommandStep } from './steps/boot-command.js';
import { connectStep } from './steps/connect.js';
import { convertStep } from './steps/convert.js';
import { diskStep } from './steps/disk.js';
import { efiVarsStep } from './steps/efi-vars.js';
import { floppyStep } from './steps/floppy.js';
import { httpStep } from './steps/http.js';
import { launchStep } from './steps/launch.js';
import { outputDirStep } from './steps/output-dir.js';
import { provisionStep } from './steps/provision.js';
import { seedStep } from './steps/seed.js';
import { shutdownStep } from './steps/shutdown.js';
import { sourceStep } from './steps/source.js';

/** The steps of one qemu build, in order; each undoes what it made (the output directory only on failure). */
export function qemuPipeline(c: ResolvedQemu, outcome: Outcome) {
  return Pipeline.start()
    .then(outputDirStep(c, outcome))
    .then(sourceStep(c))
    .then(diskStep(c))
    .then(seedStep(c))
    .then(floppyStep(c))
    .then(efiVarsStep(c))
    .then(httpStep(c))
    .then(launchStep(c))
    .then(bootCommandStep(c))
    .then(connectStep(c))
    .then(provisionStep(c.sshUsername))
    .then(shutdownStep(c))
    .then(convertStep(c))
    .then({
      name: 'finish',
      run: async () => {
        outcome.succeeded = true;
        return {};
      },
    });
}

export class QemuBuilder implements Builder {
  constructor(readonly cfg: ResolvedQemu) {}

  /** `bake plan`: the source image, the output path and the accelerator the build would use. */
  async plan(ctx: BuildContext): Promise<string[]> {
    const lines = localPlanLines('qemu', this.cfg, ctx);
    lines.push(`accelerator: ${initialAccelerator(this.cfg, ctx.log)}${this.cfg.accelerator === 'auto' ? ' (chosen: "accelerator" is unset)' : ''}, ${this.cfg.cpus} CPU, ${this.cfg.memoryMiB} MiB, format ${this.cfg.format}`);
    return lines;
  }

  async run(ctx: BuildContext): Promise<Artifact> {
    return qemuPipeline(this.cfg, { succeeded: false }).runTo(ctx, {}, (state) => this.artifact(ctx, state));
  }

  private artifact(ctx: BuildContext, state: { imagePath: string; accel: string; efiVars?: string; keepEfiVars?: boolean } & OpenedSource): Artifact {
    const size = statSync(state.imagePath).size;
    return {
      builderType: 'qemu',
      buildName: ctx.buildName,
      id: state.imagePath,
      // As in Packer, the build's UEFI variables go with the disk unless efi_drop_efivars.
      files: state.efiVars && state.keepEfiVars ? [state.imagePath, state.efiVars] : [state.imagePath],
      images: { local: state.imagePath },
      metadata: { format: this.cfg.format, accelerator: state.accel, ...sourceMetadata(state), size, backing_file: this.cfg.useBackingFile ? state.sourcePath : undefined },
      description: `VM image (${this.cfg.format}, ${(size / 1024 / 1024).toFixed(0)} MiB): ${state.imagePath}`,
    };
  }
}
