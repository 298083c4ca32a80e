import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Communicator } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { AbortedError, reasonText, throwIfAborted } from '../../core/errors.js';
import type { Provisioner } from '../../plugins/types.js';
import type { BreakpointConfig } from './schema.js';

/** Where Enter is read from: the process's stdin, or a stream in tests. */
export type BreakpointInput = Readable & { isTTY?: boolean };

/**
 * Pauses the build until Enter is pressed, as Packer's breakpoint, so the machine can be
 * inspected mid-build. Without a terminal on stdin (CI, a pipe) nobody can press Enter: the build
 * says so and goes on rather than hanging or failing over a debugging aid left in the template.
 */
export class BreakpointProvisioner implements Provisioner {
  constructor(
    private readonly config: BreakpointConfig,
    private readonly input: BreakpointInput = process.stdin,
  ) {}

  async run(ctx: ProvisionContext, _comm: Communicator): Promise<void> {
    const note = this.config.note ? ` with note "${this.config.note}"` : '';
    if (this.config.disable) {
      ctx.log.say(`Breakpoint provisioner${note} disabled; continuing...`);
      return;
    }
    if (!this.input.isTTY) {
      ctx.log.warn(`Breakpoint provisioner${note}: stdin is not a terminal, so nobody can press Enter; continuing without pausing`);
      return;
    }
    const { Host: host, Port: port, User: user } = ctx.vars;
    const where = host && user ? ` The machine: ssh ${port && port !== '22' ? `-p ${port} ` : ''}${user}@${host}` : '';
    ctx.log.say(`Pausing at breakpoint provisioner${note}. Press Enter to continue.${where}`);
    await this.enter(ctx.signal);
  }

  private enter(signal: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: this.input, terminal: false });
      let settled = false;
      const done = (err?: Error) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        rl.close();
        // Let the process exit later: an idle stdin must not keep it alive.
        this.input.pause();
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => done(new AbortedError(reasonText(signal.reason)));
      signal.addEventListener('abort', onAbort, { once: true });
      rl.once('line', () => done());
      rl.once('close', () => done());
    });
  }
}
