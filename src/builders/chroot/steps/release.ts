import { BakeError } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import { runTool } from '../../../local-image/index.js';
import { timed } from '../phase-timer.js';
import type { DiskState, MountedState } from '../state.js';

/** Unmounts everything (ending every process provisioning left behind), then lets e2fsck check an ext filesystem that asks for it. */
export function releaseStep(): Step<DiskState & MountedState, object> {
  return {
    name: 'unmount',
    run: async (ctx, { session, diskFile, rootFsType, rootOffset }) => {
      await timed(ctx.log, 'unmount', async () => {
        await session.teardown(ctx.log);
        if (!rootFsType.startsWith('ext')) return;
        // -p repairs only what is safe and checks only a filesystem not marked clean; exit 1 means "fixed".
        await runTool('e2fsck', ['-p', `${diskFile}?offset=${rootOffset}`], { signal: ctx.signal }).catch((err: Error) => {
          if (!/exited with 1\b/.test(err.message)) throw new BakeError(`chroot: the root filesystem needs a manual fsck: ${err.message}`);
        });
      });
      return {};
    },
  };
}
