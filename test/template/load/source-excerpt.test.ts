import { describe, expect, it } from 'vitest';
import { sourceExcerpt } from '../../../src/template/load/source-excerpt.js';

describe('sourceExcerpt', () => {
  it('keeps tabs under the line so the caret lines up', () => {
    expect(sourceExcerpt('{\n\t"a": [1 2]\n}', 2, 10)).toBe('    1: {\n    2: \t"a": [1 2]\n       \t        ^');
  });
  it('shows a window of a long line around the column, marked with …', () => {
    const line = `{"a": "${'x'.repeat(100)}" "b": 1}`;
    const out = sourceExcerpt(line, 1, 109).split('\n');
    expect(out[0]).toMatch(/^ {4}1: …x+" "b": 1}$/);
    expect(out[1].indexOf('^')).toBe(out[0].indexOf('" "b"') + 1);
  });
  it('leaves out an empty line before', () => {
    expect(sourceExcerpt('\n{ x', 2, 3)).toBe('    2: { x\n         ^');
  });
});
