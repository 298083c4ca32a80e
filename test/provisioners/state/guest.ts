import { connectSsh, resolveSshConfig } from '../../../src/communicator/index.js';
import type { Communicator } from '../../../src/communicator/types.js';
import { plugin, runStates, type RunOutcome, type StateProvisioner } from '../../../src/provisioners/state/index.js';
import { makeRemote } from '../../../src/provisioners/state/remote.js';
import type { StateConfig } from '../../../src/provisioners/state/schema.js';
import { startDebianSystem, type DebianSystem, type DebianSystemOptions } from '../../helpers/debian-rootfs.js';
import { makeProvisionContext } from '../../helpers/context.js';

export interface Guest {
  sys: DebianSystem;
  comm: Communicator;
  /** Runs the state provisioner with this config; returns the log lines and the error, if any. */
  apply(config: StateConfig, templateDir?: string, secrets?: string[]): Promise<{ lines: string[]; error?: Error; summaries: Record<string, unknown>[] }>;
  /** Plans inline states and runs the engine once: the structured results of one pass. */
  run(
    states: Record<string, unknown>,
    options?: { test?: boolean; failFast?: boolean; serviceMode?: 'full' | 'enable-only'; templateDir?: string; vars?: Record<string, string> },
  ): Promise<RunOutcome>;
  stop(): Promise<void>;
}

/** `id fn → changed|ok|failed|null` of each result, for compact assertions. */
export function outcomes(o: RunOutcome): Record<string, string> {
  return Object.fromEntries(
    o.results.map((r) => [`${r.id} ${r.fn}`, r.result === false ? `failed: ${r.comment}` : r.result === null ? 'would change' : Object.keys(r.changes).length ? 'changed' : 'ok']),
  );
}

/** A fresh Debian system in a chroot, and an SSH communicator to it (the real one bake uses). */
export async function startGuest(system: DebianSystemOptions = {}): Promise<Guest> {
  const sys = await startDebianSystem(system);
  const env = { file: 't.json', path: 'builders[0]', templateDir: process.cwd() };
  const options = resolveSshConfig({ ssh_username: sys.username, ssh_timeout: '20s' }, { host: sys.host, port: sys.port, privateKey: sys.privateKey }, env);
  const ctx = makeProvisionContext();
  // A dropped connection shows as a command without exit status; say so where the test output shows it.
  ctx.log.bus.on((e) => {
    if (e.text.startsWith('ssh:')) console.error(`communicator: ${e.text}`);
  });
  const comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal });
  return {
    sys,
    comm,
    async apply(config, templateDir = process.cwd(), secrets = []) {
      const provisioner = plugin.create(config, { file: 't.json', path: 'provisioners[0]', templateDir });
      const pctx = makeProvisionContext({ templateDir });
      for (const s of secrets) pctx.log.bus.addSecret(s);
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
    async run(states, options = {}) {
      const templateDir = options.templateDir ?? process.cwd();
      const provisioner = plugin.create({ states } as StateConfig, { file: 't.json', path: 'provisioners[0]', templateDir }) as StateProvisioner;
      const plan = await provisioner.plan({ templateDir, vars: options.vars ?? {} });
      const signal = new AbortController().signal;
      return runStates(plan, makeRemote(comm, { sudo: false, signal, tmpDir: '/tmp' }), {
        test: options.test ?? false,
        failFast: options.failFast ?? true,
        serviceMode: options.serviceMode ?? 'enable-only',
        signal,
      });
    },
    async stop() {
      await comm.close();
      await sys.stop();
    },
  };
}
