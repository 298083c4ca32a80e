import { describe, expect, it } from 'vitest';
import { type BootExpression, parseBootCommand } from '../../../src/builders/qemu/boot-keys.js';
import { bootCommandProblems } from '../../../src/builders/qemu/qcodes.js';

/** Packer's own notation for an expression (packer-plugin-sdk bootcommand String()), to compare with its tests. */
function packerNotation(e: BootExpression): string {
  const action = { press: 'Press', on: 'On', off: 'Off' }[e.kind === 'wait' ? 'press' : e.action];
  if (e.kind === 'wait') return `Wait<${e.ms}ms>`;
  if (e.kind === 'special') return `Spec-${action}(${e.key})`;
  return `LIT-${action}(${e.char})`;
}
const parse = (s: string) => parseBootCommand(s).map(packerNotation);

describe('parseBootCommand (Packer\'s boot_command grammar)', () => {
  it('parses packer-plugin-sdk\'s own Test_parse input the way Packer does', () => {
    const input = '<wait><wait20><wait3s><wait4m2ns>foo/bar > one 界<fon> b<fOff><foo><f3><f12><spacebar><leftalt><rightshift><rightsuper><menu>';
    expect(parse(input)).toEqual([
      'Wait<1000ms>', 'Wait<20000ms>', 'Wait<3000ms>', `Wait<${4 * 60_000 + 2e-6}ms>`,
      ...'foo/bar > one 界'.split('').map((c) => `LIT-Press(${c})`),
      'LIT-On(f)', 'LIT-Press( )', 'LIT-Press(b)', 'LIT-Off(f)',
      'LIT-Press(<)', 'LIT-Press(f)', 'LIT-Press(o)', 'LIT-Press(o)', 'LIT-Press(>)',
      'Spec-Press(f3)', 'Spec-Press(f12)', 'Spec-Press(spacebar)', 'Spec-Press(leftalt)', 'Spec-Press(rightshift)', 'Spec-Press(rightsuper)', 'Spec-Press(menu)',
    ]);
  });

  it('reads special keys and their On/Off in any case (Packer\'s Test_special)', () => {
    expect(new Set(parse('<rightShift><rightshift><RIGHTSHIFT>'))).toEqual(new Set(['Spec-Press(rightshift)']));
    expect(new Set(parse('<delon><delON><deLoN><DELON>'))).toEqual(new Set(['Spec-On(del)']));
    expect(new Set(parse('<enteroff><enterOFF><eNtErOfF><ENTEROFF>'))).toEqual(new Set(['Spec-Off(enter)']));
  });

  it('knows every key Packer documents, longer names before their prefixes', () => {
    const keys = ['bs', 'del', 'enter', 'return', 'esc', 'tab', 'up', 'down', 'left', 'right', 'spacebar', 'insert', 'home', 'end', 'pageUp', 'pageDown', 'menu',
      'leftAlt', 'rightAlt', 'leftCtrl', 'rightCtrl', 'leftShift', 'rightShift', 'leftSuper', 'rightSuper', 'leftMeta', 'rightMeta',
      ...Array.from({ length: 12 }, (_, i) => `f${i + 1}`)];
    for (const k of keys) expect(parse(`<${k}>`), k).toEqual([`Spec-Press(${k.toLowerCase()})`]);
    expect(parse('<leftAltOn><f10><leftAltOff>')).toEqual(['Spec-On(leftalt)', 'Spec-Press(f10)', 'Spec-Off(leftalt)']);
    expect(parse('<leftCtrlOn>c<leftCtrlOff>')).toEqual(['Spec-On(leftctrl)', 'LIT-Press(c)', 'Spec-Off(leftctrl)']);
  });

  it('takes waits as Go durations or whole seconds', () => {
    expect(parseBootCommand('<wait5><wait10><wait1m30s><wait250ms><wait1.5s><wait>').map((e) => (e.kind === 'wait' ? e.ms : -1))).toEqual([5000, 10000, 90000, 250, 1500, 1000]);
  });

  it('types what is not an expression as text, as Packer does', () => {
    expect(parse('<delete>')).toEqual(['<', 'd', 'e', 'l', 'e', 't', 'e', '>'].map((c) => `LIT-Press(${c})`));
    expect(parse('<wait5x>')).toEqual([...'<wait5x>'].map((c) => `LIT-Press(${c})`));
    expect(parse('a<')).toEqual(['LIT-Press(a)', 'LIT-Press(<)']);
    expect(parse('')).toEqual([]);
  });

  it('refuses what Packer refuses (waits that are not positive) and what a US keyboard cannot type', () => {
    expect(bootCommandProblems(parseBootCommand('<wait-1m><wait0><wait1m><f1><'))).toEqual(['<wait-1m>: a wait must be positive', '<wait0>: a wait must be positive']);
    expect(bootCommandProblems(parseBootCommand('hostname=bäk bäk'))).toEqual(['"ä" cannot be typed: QEMU\'s keyboard has a US layout; put such text in a file served over HTTP']);
  });

  it('parses real boot commands from bento and kubernetes-sigs/image-builder', () => {
    // chef/bento os_pkrvars/debian/debian-11-x86_64.pkrvars.hcl (joined as Packer joins boot_command)
    const bento = [
      '<esc><wait>', '/install/vmlinuz<wait>', ' initrd=/install/initrd.gz', ' auto-install/enable=true', ' debconf/priority=critical',
      ' preseed/url=http://10.0.2.2:8123/debian/preseed.cfg<wait>', ' -- <wait>', '<enter><wait>',
    ].join('');
    const b = parseBootCommand(bento);
    expect(b.filter((e) => e.kind !== 'char').map((e) => e.source)).toEqual(['<esc>', '<wait>', '<wait>', '<wait>', '<wait>', '<enter>', '<wait>']);
    expect(b.filter((e) => e.kind === 'char').map((e) => (e.kind === 'char' ? e.char : '')).join('')).toBe(
      '/install/vmlinuz initrd=/install/initrd.gz auto-install/enable=true debconf/priority=critical preseed/url=http://10.0.2.2:8123/debian/preseed.cfg -- ',
    );
    expect(bootCommandProblems(b)).toEqual([]);
    // kubernetes-sigs/image-builder images/capi/packer/qemu/qemu-ubuntu-2204.json boot_command_prefix
    const ib = "c<wait>linux /casper/vmlinuz --- autoinstall ds='nocloud-net;s=http://10.0.2.2:8123/22.04/'<enter><wait>initrd /casper/initrd<enter><wait>boot<enter>";
    const i = parseBootCommand(ib);
    expect(i.filter((e) => e.kind !== 'char').map((e) => e.source)).toEqual(['<wait>', '<enter>', '<wait>', '<enter>', '<wait>', '<enter>']);
    expect(bootCommandProblems(i)).toEqual([]);
    // Ubuntu live-server GRUB editing, as many templates type it.
    expect(parse('e<wait><down><down><down><end> autoinstall<f10>').filter((x) => x.startsWith('Spec'))).toEqual([
      'Spec-Press(down)', 'Spec-Press(down)', 'Spec-Press(down)', 'Spec-Press(end)', 'Spec-Press(f10)',
    ]);
  });
});
