import { describe, expect, it } from 'vitest';
import { parseConvertProgress } from '../../src/local-image/index.js';
import { runTool } from '../../src/local-image/index.js';

describe('runTool', () => {
  it('names the Debian package of a missing QEMU tool', async () => {
    await expect(runTool('qemu-img', ['info', 'x'], { env: { PATH: '/nonexistent' } })).rejects.toThrow(
      "qemu-img not found: install the qemu-utils package (scripts/setup-host.sh installs everything bake's qemu builder needs)",
    );
    await expect(runTool('qemu-system-x86_64', ['-version'], { env: { PATH: '/nonexistent' } })).rejects.toThrow(
      "qemu-system-x86_64 not found: install the qemu-system-x86 package (scripts/setup-host.sh installs everything bake's qemu builder needs)",
    );
  });

  it('reports a failing command with its last stderr lines', async () => {
    await expect(runTool('qemu-img', ['info', '/nonexistent/base.qcow2'])).rejects.toThrow(
      "qemu-img info exited with 1: qemu-img: Could not open '/nonexistent/base.qcow2': Could not open '/nonexistent/base.qcow2': No such file or directory",
    );
  });

  it('passes output lines on as they come and resolves stdout', async () => {
    const lines: string[] = [];
    const out = await runTool('sh', ['-c', 'echo one; echo two >&2; printf "three\\rfour\\n"'], { onLine: (l) => lines.push(l) });
    expect(out).toBe('one\nthree\rfour\n');
    expect(lines.sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('stops the tool when the signal fires', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const run = runTool('sh', ['-c', 'sleep 30'], { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(run).rejects.toThrow('aborted');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('parseConvertProgress', () => {
  it('reads qemu-img -p output', () => {
    expect(parseConvertProgress('    (45.03/100%)')).toBe(45.03);
    expect(parseConvertProgress('    (100.00/100%)')).toBe(100);
    expect(parseConvertProgress('Formatting x')).toBeUndefined();
  });
});
