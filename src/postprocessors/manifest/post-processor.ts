import { mkdir, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Artifact } from '../../core/artifact.js';
import type { PostProcessContext } from '../../core/context.js';
import type { PostProcessor, PostProcessorResult } from '../../plugins/types.js';
import { appendBuild, type ManifestBuild } from './manifest-file.js';
import { withPathLock } from './path-lock.js';
import { RUN_UUID } from './run-uuid.js';

export interface ResolvedManifest {
  output: string;
  stripPath: boolean;
  stripTime: boolean;
  customData?: Record<string, string>;
}

export class ManifestPostProcessor implements PostProcessor {
  constructor(
    readonly config: ResolvedManifest,
    private readonly runUuid: string = RUN_UUID,
  ) {}

  async run(ctx: PostProcessContext, artifact: Artifact): Promise<PostProcessorResult> {
    const c = this.config;
    // The build's SBOM and provenance belong to every artifact of the build, whichever chain this is.
    const listed = [...artifact.files, ...(ctx.supplyChain?.files ?? []).filter((f) => !artifact.files.includes(f))];
    const files = await Promise.all(
      listed.map(async (f) => ({ name: c.stripPath ? basename(f) : f, size: (await stat(f).catch(() => undefined))?.size ?? 0 })),
    );
    const sbomSha256 = ctx.supplyChain?.sbomSha256;
    const customData = { ...c.customData, ...(sbomSha256 ? { sbom_sha256: sbomSha256 } : {}) };
    const build: ManifestBuild = {
      name: ctx.buildName,
      builder_type: ctx.buildType,
      ...(c.stripTime ? {} : { build_time: Math.floor(Date.now() / 1000) }),
      files,
      artifact_id: artifact.id,
      packer_run_uuid: this.runUuid,
      ...(Object.keys(customData).length ? { custom_data: customData } : {}),
      ...(ctx.sshHostKey ? { ssh_host_key: { fingerprint: ctx.sshHostKey.fingerprint, method: ctx.sshHostKey.method } } : {}),
    };
    await mkdir(dirname(c.output), { recursive: true });
    await withPathLock(c.output, () => appendBuild(c.output, ctx.redact(build)));
    ctx.log.info(`Added ${ctx.buildName} to manifest ${c.output}`);
    // The manifest describes the artifact; it never replaces it.
    return { artifact, forceKeepInput: true };
  }
}
