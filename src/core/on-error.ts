import type { BuildContext } from './context.js';
import { errorText } from './errors.js';

/** What -on-error=ask lets the person at the terminal do with a failure, as Packer's prompt. */
export type ErrorChoice = 'cleanup' | 'abort' | 'retry' | 'continue';

/** Failures already decided on (at -on-error=ask, by a provisioner's prompt), so the step around them does not ask again. */
const decided = new WeakMap<object, 'cleanup' | 'abort'>();

/** Records what is to become of a failure's resources: "abort" keeps them for inspection. */
export function decide(err: unknown, choice: 'cleanup' | 'abort'): void {
  if (err !== null && typeof err === 'object') decided.set(err, choice);
}

export function decisionFor(err: unknown): 'cleanup' | 'abort' | undefined {
  return err !== null && typeof err === 'object' ? decided.get(err) : undefined;
}

const CHOICES: Record<string, ErrorChoice> = { c: 'cleanup', a: 'abort', r: 'retry', i: 'continue' };

/**
 * Packer's -on-error=ask prompt, for `what` ("step 'connect'", "provisioner shell (provisioners[1])").
 * An empty line cleans up, as in Packer; `canContinue` offers going on past a failed provisioner.
 */
export async function askOnError(ctx: Pick<BuildContext, 'log' | 'signal' | 'prompter'>, what: string, err: unknown, canContinue: boolean): Promise<ErrorChoice> {
  const question = `[c] Clean up and exit, [a] abort without cleanup, [r] retry ${what.split(' ')[0]}${canContinue ? ', [i] ignore the error and continue' : ''}?`;
  let first = true;
  for (;;) {
    const line = await ctx.prompter!.answer(() => {
      if (first) ctx.log.error(`${what} failed: ${errorText(err)}`);
      first = false;
      ctx.log.say(question);
    }, ctx.signal);
    const choice = CHOICES[(line.toLowerCase() + 'c')[0]!];
    if (choice && (choice !== 'continue' || canContinue)) return choice;
    ctx.log.say(`Incorrect input: ${JSON.stringify(line)}`);
  }
}
