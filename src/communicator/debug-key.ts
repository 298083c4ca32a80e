import { resolve } from 'node:path';
import type { BuildContext } from '../core/context.js';
import { writePrivateKey } from './ssh-command-line.js';

/**
 * -debug on a terminal: the temporary private key is written to the working directory as Packer's
 * -debug does (`ec2_<build>.pem`), so the machine can be reached while the build is paused. It is
 * left there afterwards, as in Packer.
 */
export function writeDebugKey(ctx: Pick<BuildContext, 'debug' | 'prompter' | 'buildName' | 'log'>, prefix: string, privateKey: string): void {
  if (!ctx.debug || !ctx.prompter) return;
  const path = resolve(`${prefix}_${ctx.buildName}.pem`);
  ctx.log.say(`Saving key for debug purposes: ${path}`);
  writePrivateKey(path, privateKey);
}
