import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { registry } from '../../src/plugins/registry.js';
import { loadTemplate } from '../../src/template/index.js';
import { recordingBus } from '../helpers/context.js';

const SECRET = 'vagrant';

/** A template named after its sensitive value, as public templates often are ("…-vagrant.json"). */
function template(extra: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'bake-redact-'));
  const file = join(dir, `066-rgl-ubuntu-${SECRET}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      variables: { ssh_pass: SECRET },
      'sensitive-variables': ['ssh_pass'],
      builders: [{ type: 'null', communicator: 'none', ...extra }],
    }),
  );
  return file;
}

async function stderrOf(argv: string[]): Promise<{ code: number; text: string }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => (chunks.push(String(c)), true));
  try {
    const code = await main(argv);
    return { code, text: chunks.join('') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('redaction on every path to the terminal', () => {
  it('redacts a sensitive value in an unexpected error raised deep inside a builder, and in its stack with -debug', async () => {
    const file = template();
    const nullPlugin = registry.builders.get('null')!;
    vi.spyOn(nullPlugin, 'create').mockImplementation(() => {
      throw new TypeError(`cannot log in as root with password ${SECRET}`);
    });
    const { code, text } = await stderrOf(['build', '-debug', file]);
    expect(code).toBe(1);
    expect(text).toContain('Error: cannot log in as root with password <sensitive>\n');
    expect(text).toContain('TypeError: cannot log in as root with password <sensitive>');
    expect(text.replaceAll(`066-rgl-ubuntu-${SECRET}.json`, '')).not.toContain(SECRET);
  });

  it('keeps the template\'s own file name whole when a sensitive value occurs in it', async () => {
    const file = template({ ssh_username: '{{user `ssh_pass`}}', ssh_port: '{{user `ssh_pass`}}' });
    const { code, text } = await stderrOf(['validate', file]);
    expect(code).toBe(2);
    expect(text).toContain(`066-rgl-ubuntu-${SECRET}.json: builders[0].ssh_port:`);
    expect(text).not.toContain('066-rgl-ubuntu-<sensitive>.json');
  });

  it('the event bus masks the value in messages but not inside the template\'s path', () => {
    const plan = loadTemplate(template(), { registry });
    const { bus, events } = recordingBus();
    for (const v of plan.sensitiveValues) bus.addSecret(v);
    bus.emit({ build: 'b', level: 'error', text: `066-rgl-ubuntu-${SECRET}.json: builders[0]: login ${SECRET} refused; ${SECRET}` });
    expect(events[0].text).toBe('066-rgl-ubuntu-vagrant.json: builders[0]: login <sensitive> refused; <sensitive>');
  });
});
