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
    expect(() => selectNames(names, undefined, ['vagrant'])).toThrow('-except=vagrant matches no build (builds: amazon-ebs, qemu, qemu-arm)');
    expect(() => selectNames(names, undefined, ['vagrnt'], ['vagrant', 'manifest'])).toThrow(
      '-except=vagrnt matches no build or post-processor (builds: amazon-ebs, qemu, qemu-arm; post-processors: vagrant, manifest)',
    );
  });
  it('applies -only, then -except, as Packer does; -except may name only post-processors', () => {
    expect(selectNames(names, ['qemu*'], ['qemu-arm'])).toEqual(['qemu']);
    expect(selectNames(names, ['qemu'], ['vagrant'], ['vagrant', 'manifest'])).toEqual(['qemu']);
    expect(selectNames(names, undefined, ['vag*'], ['vagrant'])).toEqual(names);
  });
});
