import { connectSsh, resolveSshConfig } from '../../../src/communicator/index.js';
import type { Communicator } from '../../../src/communicator/types.js';
import { plugin } from '../../../src/provisioners/state/index.js';
import type { StateConfig } from '../../../src/provisioners/state/schema.js';
import { startDebianSystem, type DebianSystem } from '../../helpers/debian-rootfs.js';
import { makeProvisionContext } from '../../helpers/context.js';

export interface Guest {
  sys: DebianSystem;
  comm: Communicator;
  /** Runs the state provisioner with this config; returns the log lines and the error, if any. */
  apply(config: StateConfig, templateDir?: string): Promise<{ lines: string[]; error?: Error; summaries: Record<string, unknown>[] }>;
  stop(): Promise<void>;
}

/** A fresh Debian system in a chroot, and an SSH communicator to it (the real one bake uses). */
export async function startGuest(): Promise<Guest> {
  const sys = await startDebianSystem();
  const env = { file: 't.json', path: 'builders[0]', templateDir: process.cwd() };
  const options = resolveSshConfig({ ssh_username: sys.username, ssh_timeout: '20s' }, { host: sys.host, port: sys.port, privateKey: sys.privateKey }, env);
  const ctx = makeProvisionContext();
  const comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal });
  return {
    sys,
    comm,
    async apply(config, templateDir = process.cwd()) {
      const provisioner = plugin.create(config, { file: 't.json', path: 'provisioners[0]', templateDir });
      const pctx = makeProvisionContext({ templateDir });
      let error: Error | undefined;
      try {
        await provisioner.run(pctx, comm);
      } catch (err) {
        error = err as Error;
      }
      return {
        lines: pctx.events.map((e) => `${e.level}: ${e.text}`),
        error,
        summaries: pctx.events.filter((e) => e.data && 'succeeded' in e.data).map((e) => e.data!),
      };
    },
    async stop() {
      await comm.close();
      await sys.stop();
    },
  };
}
