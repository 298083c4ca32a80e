import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/core/events.js';
import { humanRenderer } from '../../src/core/render-human.js';
import { machineRenderer } from '../../src/core/render-machine.js';

function sink(isTTY = false) {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    }),
    { isTTY, columns: 100 },
  );
  return { out, text: () => text };
}

describe('human renderer', () => {
  it('prints Packer-style lines without colour when asked', () => {
    const s = sink();
    const bus = new EventBus();
    bus.on(humanRenderer({ out: s.out, color: false, timestamps: false, debug: false }));
    const log = bus.logger('qemu');
    log.say('Starting VM...');
    log.info('detail');
    log.warn('careful');
    log.error('it broke');
    log.debug('hidden');
    expect(s.text()).toBe('==> qemu: Starting VM...\n    qemu: detail\n==> qemu: Warning: careful\n==> qemu: it broke\n');
  });

  it('prints progress at each quarter when not a terminal', () => {
    const s = sink();
    const bus = new EventBus();
    bus.on(humanRenderer({ out: s.out, color: false, timestamps: false, debug: false }));
    const log = bus.logger('b');
    for (let i = 0; i <= 8; i++) log.progress('Uploading', { label: 'up', current: i * 128 * 1024, total: 1024 * 1024, unit: 'bytes', done: i === 8 });
    expect(s.text().trimEnd().split('\n')).toEqual([
      '    b: Uploading 0 B / 1.0 MiB (0%)',
      '    b: Uploading 256.0 KiB / 1.0 MiB (25%)',
      '    b: Uploading 512.0 KiB / 1.0 MiB (50%)',
      '    b: Uploading 768.0 KiB / 1.0 MiB (75%)',
      '    b: Uploading 1.0 MiB / 1.0 MiB (100%)',
    ]);
  });

  it('prints 100% once when the last progress event is also the done one', () => {
    const s = sink();
    const bus = new EventBus();
    bus.on(humanRenderer({ out: s.out, color: false, timestamps: false, debug: false }));
    const log = bus.logger('b');
    log.progress('Uploading', { label: 'up', current: 10, total: 10, unit: 'bytes' });
    log.progress('Uploading', { label: 'up', current: 10, total: 10, unit: 'bytes', done: true });
    log.progress('Waiting', { label: 'wait', current: 3, unit: 'seconds' });
    log.progress('Waited', { label: 'wait', current: 5, unit: 'seconds', done: true });
    expect(s.text()).toBe('    b: Uploading 10 B / 10 B (100%)\n    b: Waited (5s)\n');
  });

  it('redraws one bar in place on a terminal', () => {
    const s = sink(true);
    const bus = new EventBus();
    bus.on(humanRenderer({ out: s.out, color: false, timestamps: false, debug: false }));
    const log = bus.logger('b');
    log.progress('Copying', { label: 'c', current: 1, total: 2 });
    log.say('next');
    expect(s.text()).toContain('\r\x1b[K    b: Copying [');
    expect(s.text().endsWith('\r\x1b[K==> b: next\n')).toBe(true);
  });
});

describe('machine renderer', () => {
  it('prints one JSON object per event, redacted', () => {
    const s = sink();
    const bus = new EventBus();
    bus.addSecret('s3cret');
    bus.on(machineRenderer(s.out, false));
    bus.logger('a').say('token s3cret', { token: 's3cret' });
    const line = JSON.parse(s.text().trim());
    expect(line).toMatchObject({ build: 'a', level: 'say', text: 'token <sensitive>', data: { token: '<sensitive>' } });
    expect(typeof line.time).toBe('string');
  });
});
