import { describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/core/artifact.js';
import { plugin } from '../../../src/postprocessors/shell-local/index.js';
import type { ShellLocalConfig } from '../../../src/provisioners/shell-local/index.js';
import { makePostProcessContext } from '../../helpers/context.js';

const env = { file: 't.json', path: 'post-processors[2]', templateDir: '.' };
const create = (config: Record<string, unknown>) => plugin.create(config as ShellLocalConfig, env);
const artifact: Artifact = {
  builderType: 'qemu',
  buildName: 'web',
  id: 'output/web.qcow2',
  files: ['output/web.qcow2', 'output/my disk.img'],
  images: {},
  metadata: {},
  description: '',
};

describe('shell-local post-processor', () => {
  it('runs with the build and artifact in its environment and passes the artifact on', async () => {
    const ctx = makePostProcessContext({ buildName: 'web', buildType: 'qemu' });
    const result = await create({
      inline: ['echo "$PACKER_BUILD_NAME/$BAKE_BUILDER_TYPE id=$BAKE_ARTIFACT_ID by=$BAKE_ARTIFACT_BUILDER_TYPE"', 'printf "%s\\n" "$BAKE_ARTIFACT_FILES" | while read -r f; do echo "file: $f"; done'],
    }).run(ctx, artifact);
    expect(result).toEqual({ artifact, forceKeepInput: true });
    expect(ctx.events.filter((e) => e.level === 'output').map((e) => e.text)).toEqual([
      'web/qemu id=output/web.qcow2 by=qemu',
      'file: output/web.qcow2',
      'file: output/my disk.img',
    ]);
  });

  it('fails with the post-processor, the line and the stderr tail', async () => {
    await expect(create({ inline: ['echo "upload refused" >&2; exit 22'] }).run(makePostProcessContext(), artifact)).rejects.toThrow(
      'shell-local post-processor: inline[0] "echo \\"upload refused\\" >&2; exit 22" exited with 22: upload refused',
    );
  });
});
