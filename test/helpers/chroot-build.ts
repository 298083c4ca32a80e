import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chrootPipeline, resolveChrootConfig } from '../../src/builders/chroot/index.js';
import type { ChrootConfig } from '../../src/builders/chroot/schema.js';
import type { Communicator } from '../../src/communicator/types.js';
import { makeBuildContext, type TestBuildContext } from './context.js';

/** Whether this host can run the chroot builder: root, namespaces and loop devices (CI runs as root). */
export const canChroot = process.getuid?.() === 0 && existsSync('/dev/loop-control');

/** Mount lines of the host, to check that a build changed none of them. */
export function hostMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean);
}

export interface HeldImage {
  comm: Communicator;
  vars: Record<string, string>;
  ctx: TestBuildContext;
  /** Ends provisioning; resolves when the build finished (image written, everything unmounted). */
  finish(): Promise<void>;
}

/**
 * Runs the real chroot pipeline on bake's base image and keeps it in its provisioning step until
 * finish(), so one mounted image serves several tests.
 */
export async function holdChrootImage(config: ChrootConfig = {}): Promise<HeldImage> {
  const dir = mkdtempSync(join(tmpdir(), 'bake-chroot-test-'));
  const cfg = resolveChrootConfig({ output_directory: join(dir, 'out'), format: 'raw', ...config }, { file: 't.json', path: 'builders[0]', templateDir: dir });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let ready!: (v: { comm: Communicator; vars: Record<string, string> }) => void;
  const provisioning = new Promise<{ comm: Communicator; vars: Record<string, string> }>((r) => (ready = r));
  const ctx = makeBuildContext({
    buildName: 'chroot',
    buildType: 'chroot',
    provision: async (comm, vars = {}) => {
      ready({ comm, vars });
      await released;
    },
  });
  const run = chrootPipeline(cfg, { succeeded: false }).run(ctx, {});
  const held = await Promise.race([provisioning, run.then(() => undefined)]);
  if (!held) throw new Error(`the chroot pipeline ended before provisioning: ${ctx.events.map((e) => e.text).join('\n')}`);
  return {
    ...held,
    ctx,
    finish: async () => {
      release();
      try {
        await run;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
