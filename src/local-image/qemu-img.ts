import { runTool } from './run-tool.js';

let zstdSupport: Promise<boolean> | undefined;

/** Whether this qemu-img can write zstd-compressed qcow2 clusters (QEMU ≥ 5.1 built with zstd). */
export function qemuImgHasZstd(): Promise<boolean> {
  zstdSupport ??= runTool('qemu-img', ['create', '-f', 'qcow2', '-o', 'help'])
    .then((help) => /compression_type/.test(help))
    .catch(() => false);
  return zstdSupport;
}

/** qemu-img's "-p" progress, e.g. "    (45.03/100%)". */
export function parseConvertProgress(line: string): number | undefined {
  const m = /\((\d+(?:\.\d+)?)\/100%\)/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** qemu-img info's format and virtual size of an image file. */
export async function imageInfo(path: string, signal?: AbortSignal): Promise<{ format: string; virtualSize: number }> {
  const info = JSON.parse(await runTool('qemu-img', ['info', '--output=json', path], { signal })) as { format: string; 'virtual-size': number };
  return { format: info.format, virtualSize: info['virtual-size'] };
}
