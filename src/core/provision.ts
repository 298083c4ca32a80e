import type { Communicator } from '../communicator/types.js';
import type { PlannedProvisioner } from '../template/plan.js';
import type { ProvisionContext } from './context.js';
import type { OnError } from './context.js';
import { BakeError, errorText, throwIfAborted } from './errors.js';
import { askOnError, decide, decisionFor } from './on-error.js';
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
  /** Packer's build values ({{ build `Host` }}, HCL2's build.Host) for provisioners that use them. */
  buildValues?: Record<string, string>;
  /** Runs over the same connection when a provisioner fails, before the builder cleans up (Packer's error-cleanup-provisioner). */
  errorCleanup?: PlannedProvisioner;
}

/**
 * Runs a build's provisioners in order, honouring pause_before, timeout and max_retries; with
 * -on-error=ask a provisioner that still fails is put to the terminal (retry it, go on past it,
 * abort keeping the machine, or clean up). When one fails, the error-cleanup provisioner runs.
 */
export async function runProvisioners(
  provisioners: PlannedProvisioner[],
  comm: Communicator,
  run: ProvisionRun,
  vars: Record<string, string> = {},
): Promise<void> {
  try {
    await runInOrder(provisioners, comm, run, vars);
  } catch (err) {
    await runErrorCleanup(err, comm, run, vars);
    throw err;
  }
}

/**
 * As Packer's StepProvision cleanup: only after a provisioner failed (not on Ctrl-C, not when the
 * machine is kept for inspection); its own failure is reported, and the build still fails with
 * the provisioner's error.
 */
async function runErrorCleanup(err: unknown, comm: Communicator, run: ProvisionRun, vars: Record<string, string>): Promise<void> {
  const p = run.errorCleanup;
  if (!p || run.signal.aborted || run.onError === 'abort' || decisionFor(err) === 'abort') return;
  run.log.say('Provisioning step had errors: Running the cleanup provisioner...');
  try {
    await span(run.log, 'provisioner', `${p.type} (${p.path})`, () => runOne(p, comm, run, vars));
  } catch (cleanupErr) {
    run.log.error(`${p.path} (${p.type}) failed: ${errorText(cleanupErr)}; the build fails with the provisioner's error: ${errorText(err)}`);
  }
}

async function runInOrder(provisioners: PlannedProvisioner[], comm: Communicator, run: ProvisionRun, vars: Record<string, string>): Promise<void> {
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
    const instance = p.forBuild && run.buildValues ? p.forBuild(run.buildValues) : p.instance;
    await instance.run(ctx, comm);
  } catch (err) {
    if (timeout?.aborted && !run.signal.aborted) {
      throw new BakeError(`${p.path} (${p.type}): timed out after ${formatDuration(p.timeoutMs)}`, { cause: err });
    }
    throw err;
  }
}
