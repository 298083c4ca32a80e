import { Command } from 'commander';
import { closest } from '../template/load/did-you-mean.js';

/**
 * commander, with unknown flags reported as the user typed them and a suggestion that ignores the
 * value: `-on-eror=abort` is rewritten to `--on-eror=abort` before commander sees it (see
 * normalizeArgv), whose own message would echo that form and, comparing `--on-eror=abort` as a
 * whole, find no near flag. An unknown command gets its suggestion on the same line too
 * (commander's own starts a new line).
 */
export class BakeCommand extends Command {
  /** Flags as the user typed them (single dash), by the form commander sees. */
  static typed = new Map<string, string>();

  override createCommand(name?: string): Command {
    return new BakeCommand(name);
  }

  // Not in commander's typings, but the method its parser calls for every unknown flag (lib/command.js).
  unknownOption(flag: string): never {
    const typed = BakeCommand.typed.get(flag) ?? flag;
    const dashes = typed.startsWith('--') ? '--' : '-';
    const name = flag.replace(/^-+/, '').replace(/=.*$/s, '');
    const known: string[] = [];
    for (let c: Command | null = this; c; c = c.parent) {
      for (const o of c.options) if (o.long && !o.hidden) known.push(o.long.slice(2));
    }
    const guess = name.length > 1 ? closest(name, known) : undefined;
    this.error(`error: unknown option '${typed}'${guess ? ` (did you mean ${dashes}${guess}?)` : ''}`, { code: 'commander.unknownOption' });
  }

  // As unknownOption: the method commander's parser calls for a command it does not know.
  unknownCommand(): never {
    const typed = this.args[0] ?? '';
    const guess = closest(typed, this.createHelp().visibleCommands(this).map((c) => c.name()));
    this.error(`error: unknown command '${typed}'${guess ? ` (did you mean ${guess}?)` : ''}`, { code: 'commander.unknownCommand' });
  }
}
