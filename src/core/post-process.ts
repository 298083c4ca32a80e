import type { PlannedPostProcessor } from '../template/plan.js';
import type { Artifact } from './artifact.js';
import type { PostProcessContext } from './context.js';
import { BakeError, errorText, throwIfAborted } from './errors.js';
import { span } from './spans.js';

/**
 * Runs each chain on the builder's artifact, as Packer does: within a chain each post-processor
 * gets the previous one's artifact, which is destroyed unless `keep_input_artifact` (or the
 * post-processor itself insists on keeping it, like `manifest`). The builder's own artifact is
 * destroyed only when no chain kept it. Returns the artifacts that remain.
 */
export async function runPostProcessors(
  chains: PlannedPostProcessor[][],
  builderArtifact: Artifact | undefined,
  ctx: PostProcessContext,
): Promise<Artifact[]> {
  if (!builderArtifact) return [];
  if (chains.length === 0) return [builderArtifact];
  const kept: Artifact[] = [];
  let keepBuilderArtifact = false;
  for (const chain of chains) {
    let input: Artifact = builderArtifact;
    for (const [i, pp] of chain.entries()) {
      throwIfAborted(ctx.signal);
      ctx.log.say(`Running post-processor: ${pp.type}`);
      let out;
      try {
        out = await span(ctx.log, 'post-processor', `${pp.type} (${pp.path})`, () => (pp.forBuild && ctx.buildValues ? pp.forBuild(ctx.buildValues) : pp.instance).run(ctx, input));
      } catch (err) {
        throw new BakeError(`${pp.path} (${pp.type}): ${errorText(err)}`, { cause: err });
      }
      const keepInput = pp.keepInputArtifact || out.forceKeepInput === true || out.artifact === input;
      if (i === 0) {
        if (keepInput) keepBuilderArtifact = true;
      } else if (!keepInput) {
        await destroy(input, ctx);
      } else if (out.artifact !== input) {
        kept.push(input);
      }
      input = out.artifact;
    }
    if (input !== builderArtifact) kept.push(input);
  }
  if (keepBuilderArtifact) kept.unshift(builderArtifact);
  else await destroy(builderArtifact, ctx);
  return kept;
}

async function destroy(artifact: Artifact, ctx: PostProcessContext): Promise<void> {
  if (!artifact.destroy) return;
  ctx.log.info(`Deleting intermediate artifact ${artifact.id || artifact.builderType} (keep_input_artifact is false)`);
  await artifact.destroy();
}
