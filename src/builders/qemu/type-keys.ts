import { throwIfAborted } from '../../core/errors.js';
import { sleep } from '../../core/wait.js';
import type { BootExpression } from './boot-keys.js';
import { expressionKeys, keyEvent } from './qcodes.js';

export interface TypingOptions {
  /** Pause after each key's press and after its release (Packer's boot_key_interval). */
  keyIntervalMs: number;
  /** Pause after each group of keys, i.e. before each wait and at the end (boot_keygroup_interval). */
  groupIntervalMs: number;
  signal: AbortSignal;
  /** Called with each group's text before it is typed (and with each wait). */
  onGroup?: (text: string) => void;
}

/** Sends key events to the guest: QMP's input-send-event, or a recorder in tests. */
export type KeySink = (events: Record<string, unknown>[]) => Promise<unknown>;

/**
 * Types parsed boot command expressions. A press is the key (with Shift for upper case and
 * symbols) down, a pause, then up: QMP's input-send-event delivers events at once, so the pauses
 * are what keeps a slow guest's keyboard buffer from overflowing. An abort stops between keys and
 * releases held keys, so the guest is not left with Ctrl held down.
 */
export async function typeExpressions(expressions: BootExpression[], send: KeySink, options: TypingOptions): Promise<void> {
  const held = new Set<string>();
  const pause = async (ms: number) => {
    if (ms > 0) await sleep(ms, options.signal);
    else throwIfAborted(options.signal);
  };
  const down = async (keys: string[]) => {
    await send(keys.map((k) => keyEvent(k, true)));
    keys.forEach((k) => held.add(k));
    await pause(options.keyIntervalMs);
  };
  const up = async (keys: string[]) => {
    const reversed = [...keys].reverse();
    await send(reversed.map((k) => keyEvent(k, false)));
    reversed.forEach((k) => held.delete(k));
    await pause(options.keyIntervalMs);
  };
  let group = '';
  const startGroup = (i: number) => {
    let text = '';
    for (let j = i; j < expressions.length && expressions[j]!.kind !== 'wait'; j++) text += expressions[j]!.source;
    options.onGroup?.(text);
  };
  try {
    for (let i = 0; i < expressions.length; i++) {
      const e = expressions[i]!;
      if (e.kind === 'wait') {
        if (group) await pause(options.groupIntervalMs);
        group = '';
        options.onGroup?.(e.source);
        await sleep(e.ms, options.signal);
        continue;
      }
      if (!group) startGroup(i);
      group += e.source;
      const keys = expressionKeys(e);
      if (e.action !== 'off') await down(keys);
      if (e.action !== 'on') await up(keys);
    }
    if (group) await pause(options.groupIntervalMs);
  } finally {
    if (held.size > 0) await send([...held].map((k) => keyEvent(k, false))).catch(() => {});
  }
}
