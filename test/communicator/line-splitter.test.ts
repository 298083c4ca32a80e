import { describe, expect, it } from 'vitest';
import { LineSplitter, Tail } from '../../src/communicator/line-splitter.js';
import { exportPrefix, shellQuote } from '../../src/communicator/shell-env.js';

describe('LineSplitter', () => {
  it('joins lines and multi-byte characters split across chunks, and strips CR', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('héllo\r\nwor€ld\npartial');
    s.push(bytes.subarray(0, 2));
    s.push(bytes.subarray(2, 12));
    s.push(bytes.subarray(12, 13));
    s.push(bytes.subarray(13));
    expect(lines).toEqual(['héllo', 'wor€ld']);
    s.flush();
    expect(lines).toEqual(['héllo', 'wor€ld', 'partial']);
  });

  it('keeps empty lines and emits nothing on flush when the last line ended', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    s.push(Buffer.from('a\n\nb\n'));
    s.flush();
    expect(lines).toEqual(['a', '', 'b']);
  });
});

describe('Tail', () => {
  it('keeps the last lines only', () => {
    const t = new Tail(2);
    for (const l of ['1', '2', '3']) t.add(l);
    expect(t.get()).toEqual(['2', '3']);
  });
});

describe('shell quoting', () => {
  it('quotes single quotes the POSIX way and exports each variable', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(exportPrefix({ A: '1', B: "x'y" })).toBe(`export A='1'; export B='x'\\''y'; `);
    expect(exportPrefix(undefined)).toBe('');
  });
});
