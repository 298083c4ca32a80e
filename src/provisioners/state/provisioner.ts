import type { Communicator } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { BakeError } from '../../core/errors.js';
import type { Provisioner } from '../../plugins/types.js';
import { runStates, type PlannedState, type RunOutcome } from './engine.js';
import { readStateFile, type StateSource } from './load.js';
import { planStates } from './plan.js';
import { makeRemote } from './remote.js';
import { reportState, reportSummary } from './report.js';
import type { ResolvedStateConfig } from './schema.js';

const NAME = 'state provisioner';

export class StateProvisioner implements Provisioner {
  constructor(
    readonly config: ResolvedStateConfig,
    /** Prefix naming inline states in messages: `t.json: provisioners[1].states.` */
    readonly inlinePrefix: string,
  ) {}

  /** Reads the state files and plans every state; all input errors surface here, before the guest is touched. */
  async plan(ctx: Pick<ProvisionContext, 'templateDir' | 'vars'>): Promise<PlannedState[]> {
    const vars = { ...ctx.vars, ...this.config.vars };
    const sources: StateSource[] = [];
    for (const file of this.config.files) {
      try {
        sources.push(await readStateFile(file.path, ctx.templateDir, vars, `${this.inlinePrefix.replace(/\.states\.$/, '')}.${file.key}`));
      } catch (err) {
        throw new BakeError((err as Error).message, { exitCode: 2 });
      }
    }
    if (this.config.inline) sources.push({ prefix: this.inlinePrefix, baseDir: ctx.templateDir, raw: this.config.inline });
    return planStates(sources, vars);
  }

  async run(ctx: ProvisionContext, comm: Communicator): Promise<void> {
    const plan = await this.plan(ctx);
    const remote = makeRemote(comm, { sudo: this.config.sudo, signal: ctx.signal, tmpDir: this.config.tmpDir });
    // A builder that boots nothing (chroot) says so: services can only be enabled there, never started.
    const serviceMode = ctx.vars.ServiceMode === 'enable-only' ? 'enable-only' : this.config.serviceMode;
    if (serviceMode !== this.config.serviceMode) ctx.log.info(`${NAME}: the ${ctx.buildType} builder runs no services, so service.running and service.dead only enable and disable (service_mode enable-only)`);
    const pass = async (label: string, test: boolean): Promise<RunOutcome> => {
      ctx.log.say(`${label}: ${plan.length} states${test ? ' (test mode: nothing is changed)' : ''}`);
      const outcome = await runStates(plan, remote, {
        test,
        failFast: this.config.failFast,
        serviceMode,
        signal: ctx.signal,
        onResult: (r) => reportState(ctx.log, r),
      });
      const s = reportSummary(ctx.log, outcome, label);
      if (s.failed || outcome.notRun.length) {
        const failed = outcome.results.filter((r) => r.result === false).map((r) => `${r.id} (${r.fn})`);
        throw new BakeError(`${NAME}: ${s.failed} of ${plan.length} states failed: ${failed.join(', ')}; first: ${outcome.results.find((r) => r.result === false)!.comment}`);
      }
      return outcome;
    };
    await pass('Applying states', this.config.test);
    if (!this.config.verifyIdempotent || this.config.test) return;
    const second = await pass('Verifying idempotency (second pass)', false);
    const moved = second.results.filter((r) => Object.keys(r.changes).length > 0);
    if (moved.length) {
      throw new BakeError(`${NAME}: not idempotent: the second pass changed ${moved.length} state${moved.length > 1 ? 's' : ''}: ${moved.map((r) => `${r.id} (${r.fn})`).join(', ')}`);
    }
  }
}
