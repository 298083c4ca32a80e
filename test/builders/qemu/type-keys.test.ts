import { describe, expect, it } from 'vitest';
import { parseBootCommand } from '../../../src/builders/qemu/boot-keys.js';
import { type KeySink, typeExpressions } from '../../../src/builders/qemu/type-keys.js';

type Ev = { data: { down: boolean; key: { data: string } } };
function recorder() {
  const sent: string[] = [];
  const send: KeySink = async (events) => {
    sent.push(events.map((e) => `${(e as Ev).data.down ? '+' : '-'}${(e as Ev).data.key.data}`).join(' '));
  };
  return { sent, send };
}

describe('typeExpressions', () => {
  it('presses each key (Shift for capitals and symbols), holds toggled keys, and reports each group', async () => {
    const { sent, send } = recorder();
    const groups: string[] = [];
    await typeExpressions(parseBootCommand('Hi:<leftCtrlOn>c<leftCtrlOff><wait20ms><enter>'), send, { keyIntervalMs: 0, groupIntervalMs: 0, signal: new AbortController().signal, onGroup: (g) => groups.push(g) });
    expect(sent).toEqual(['+shift +h', '-h -shift', '+i', '-i', '+shift +semicolon', '-semicolon -shift', '+ctrl', '+c', '-c', '-ctrl', '+ret', '-ret']);
    expect(groups).toEqual(['Hi:<leftCtrlOn>c<leftCtrlOff>', '<wait20ms>', '<enter>']);
  });

  it('stops at Ctrl-C during a wait and releases the keys it holds', async () => {
    const { sent, send } = recorder();
    const abort = new AbortController();
    const typing = typeExpressions(parseBootCommand('<leftAltOn><wait10m>x'), send, { keyIntervalMs: 0, groupIntervalMs: 0, signal: abort.signal });
    setTimeout(() => abort.abort(new Error('Interrupted')), 30);
    const started = Date.now();
    await expect(typing).rejects.toThrow(/Interrupted/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sent).toEqual(['+alt', '-alt']);
  });

  it('paces keys by boot_key_interval', async () => {
    const { send } = recorder();
    const started = Date.now();
    await typeExpressions(parseBootCommand('abc'), send, { keyIntervalMs: 20, groupIntervalMs: 0, signal: new AbortController().signal });
    expect(Date.now() - started).toBeGreaterThanOrEqual(6 * 20 - 5);
  });
});
