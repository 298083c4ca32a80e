import { describe, expect, it } from 'vitest';
import { goTimeFormat } from '../../../src/template/interpolate/go-time.js';

const at = (h: number, ms = 0) => new Date(Date.UTC(2009, 10, 10, h, 3, 4, ms));

describe('goTimeFormat (Go reference-time layouts, UTC)', () => {
  const cases: [Date, string, string][] = [
    [at(23), '2006-01-02T15:04:05Z07:00', '2009-11-10T23:03:04Z'],
    [at(23), 'Mon Jan _2 15:04:05 MST 2006', 'Tue Nov 10 23:03:04 UTC 2009'],
    [at(0), '3:04PM', '12:03AM'],
    [at(12), '03:04 pm', '12:03 pm'],
    [at(13), 'Monday, January 2, 06', 'Tuesday, November 10, 09'],
    [at(1, 120), '15:04:05.000 .999 .99 ,000', '01:03:04.120 .12 .12 ,120'],
    [at(1), '05.999', '04'],
    [at(1), '-0700 -07 -07:00:00 Z0700', '+0000 +00 +00:00:00 Z'],
    [new Date(Date.UTC(2024, 1, 5)), '__2 002 1/2', ' 36 036 2/5'],
    [at(1), '_2006', '_2009'],
    [at(1), 'literal text: yes', 'literal text: yes'],
  ];
  it.each(cases)('%s with %j', (t, layout, expected) => {
    expect(goTimeFormat(t, layout)).toBe(expected);
  });
});
