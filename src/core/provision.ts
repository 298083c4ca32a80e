import type { Communicator } from '../communicator/types.js';
import type { PlannedProvisioner } from '../template/plan.js';
import type { ProvisionContext } from './context.js';
import type { OnError } from './context.js';
import { BakeError, errorText, throwIfAborted } from './errors.js';
import { askOnError, decide } from './on-error.js';
import type { Prompter } from './prompter.js';
import { span } from './spans.js';
import type { Logger } from './events.js';
import { formatDuration, sleep } from './wait.js';

export interface ProvisionRun {
  buildName: string;
  buildType: string;
  log: Logger;
  signal: AbortSignal;
  templateDir: string;
  onError?: OnError;
  debug?: boolean;
  /** The terminal: -on-error=ask asks there, -debug pauses there. */
  prompter?: Prompter;
}

/**
 * Runs a build's provisioners in order, honouring pause_before, timeout and max_retries; with
 * -on-error=ask a provisioner that still fails is put to the terminal (retry it, go on past it,
 * abort keeping the machine, or clean up).
 */
export async function runProvisioners(
  provisioners: PlannedProvisioner[],
  comm: Communicator,
  run: ProvisionRun,
  vars: Record<string, string> = {},
): Promise<void> {
  for (const p of provisioners) {
    throwIfAborted(run.signal);
    if (p.pauseBeforeMs > 0) {
      run.log.say(`Pausing ${formatDuration(p.pauseBeforeMs)} before the next provisioner...`);
      await sleep(p.pauseBeforeMs, run.signal);
    }
    if (run.debug && run.prompter) await run.prompter.answer(() => run.log.say('Pausing before the next provisioner. Press Enter to continue.'), run.signal);
    run.log.say(`Provisioning with ${p.type}...`);
    for (let attempt = 0; ; attempt++) {
      try {
        await span(run.log, 'provisioner', `${p.type} (${p.path})`, () => runOne(p, comm, run, vars));
        break;
      } catch (err) {
        if (run.signal.aborted) throw err;
        if (attempt < p.maxRetries) {
          run.log.warn(`${p.type} provisioner failed (attempt ${attempt + 1} of ${p.maxRetries + 1}): ${errorText(err)}; retrying`);
          continue;
        }
        if (run.onError !== 'ask' || !run.prompter) throw err;
        const choice = await askOnError({ ...run, prompter: run.prompter }, `provisioner ${p.type} (${p.path})`, err, true);
        if (choice === 'retry') {
          attempt = -1;
          continue;
        }
        if (choice === 'continue') {
          run.log.warn(`${p.type} provisioner (${p.path}) failed; continuing with the next one as asked`);
          break;
        }
        decide(err, choice === 'abort' ? 'abort' : 'cleanup');
        throw err;
      }
    }
  }
}

async function runOne(p: PlannedProvisioner, comm: Communicator, run: ProvisionRun, vars: Record<string, string>): Promise<void> {
  const timeout = p.timeoutMs > 0 ? AbortSignal.timeout(p.timeoutMs) : undefined;
  const signal = timeout ? AbortSignal.any([run.signal, timeout]) : run.signal;
  const ctx: ProvisionContext = {
    buildName: run.buildName,
    buildType: run.buildType,
    log: run.log,
    signal,
    templateDir: run.templateDir,
    vars,
  };
  try {
    await p.instance.run(ctx, comm);
  } catch (err) {
    if (timeout?.aborted && !run.signal.aborted) {
      throw new BakeError(`${p.path} (${p.type}): timed out after ${formatDuration(p.timeoutMs)}`, { cause: err });
    }
    throw err;
  }
}
