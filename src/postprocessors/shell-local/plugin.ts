import type { Artifact } from '../../core/artifact.js';
import type { PostProcessContext } from '../../core/context.js';
import type { PostProcessor, PostProcessorPlugin, PostProcessorResult } from '../../plugins/types.js';
import {
  type ResolvedShellLocal,
  resolveShellLocal,
  runShellLocal,
  type ShellLocalConfig,
  shellLocalProperties,
  shellLocalUnsupported,
} from '../../provisioners/shell-local/index.js';

const schema = { type: 'object', additionalProperties: false, properties: shellLocalProperties } as const;

/** What the script learns about the artifact it post-processes. */
export function artifactEnv(a: Artifact): Record<string, string> {
  return {
    BAKE_ARTIFACT_ID: a.id,
    BAKE_ARTIFACT_BUILDER_TYPE: a.builderType,
    // One path per line: paths may contain spaces, rarely newlines.
    BAKE_ARTIFACT_FILES: a.files.join('\n'),
  };
}

export class ShellLocalPostProcessor implements PostProcessor {
  constructor(readonly config: ResolvedShellLocal) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    await runShellLocal(this.config, {
      who: 'shell-local post-processor',
      buildName: ctx.buildName,
      buildType: ctx.buildType,
      log: ctx.log,
      signal: ctx.signal,
      extraEnv: artifactEnv(artifact),
    });
    // Like Packer's, it passes its input on unchanged.
    return { artifact, forceKeepInput: true };
  }
}

export const plugin: PostProcessorPlugin<ShellLocalConfig> = {
  kind: 'post-processor',
  type: 'shell-local',
  description: 'Runs commands or scripts on the machine bake runs on, with the artifact\'s id and files in the environment.',
  schema,
  unsupported: shellLocalUnsupported,
  create: (config, env) => new ShellLocalPostProcessor(resolveShellLocal(config, env)),
};
