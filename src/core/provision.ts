import type { Communicator } from '../communicator/types.js';
import type { PlannedProvisioner } from '../template/plan.js';
import type { ProvisionContext } from './context.js';
import { BakeError, errorText, throwIfAborted } from './errors.js';
import { span } from './spans.js';
import type { Logger } from './events.js';
import { formatDuration, sleep } from './wait.js';

export interface ProvisionRun {
  buildName: string;
  buildType: string;
  log: Logger;
  signal: AbortSignal;
  templateDir: string;
}

/** Runs a build's provisioners in order, honouring pause_before, timeout and max_retries. */
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
    run.log.say(`Provisioning with ${p.type}...`);
    for (let attempt = 0; ; attempt++) {
      try {
        await span(run.log, 'provisioner', `${p.type} (${p.path})`, () => runOne(p, comm, run, vars));
        break;
      } catch (err) {
        if (run.signal.aborted || attempt >= p.maxRetries) throw err;
        run.log.warn(`${p.type} provisioner failed (attempt ${attempt + 1} of ${p.maxRetries + 1}): ${errorText(err)}; retrying`);
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
