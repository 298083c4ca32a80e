import { describe, expect, it } from 'vitest';
import { selectNames } from '../../src/core/select.js';

describe('selectNames', () => {
  const names = ['amazon-ebs', 'qemu', 'qemu-arm'];
  it('keeps everything without filters', () => {
    expect(selectNames(names, undefined, undefined)).toEqual(names);
  });
  it('matches -only globs, comma-separated and repeated', () => {
    expect(selectNames(names, ['qemu*'], undefined)).toEqual(['qemu', 'qemu-arm']);
    expect(selectNames(names, ['amazon-ebs,qemu'], undefined)).toEqual(['amazon-ebs', 'qemu']);
    expect(selectNames(names, ['qemu', 'amazon-?bs'], undefined)).toEqual(['amazon-ebs', 'qemu']);
  });
  it('drops -except matches', () => {
    expect(selectNames(names, undefined, ['qemu*'])).toEqual(['amazon-ebs']);
  });
  it('says when a filter matches no build', () => {
    expect(() => selectNames(names, ['vbox'], undefined)).toThrow('-only=vbox matches no build (builds: amazon-ebs, qemu, qemu-arm)');
    expect(() => selectNames(names, ['qemu'], ['qemu'])).toThrow('-only and -except cannot be used together');
  });
});
