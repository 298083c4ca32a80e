import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatTemplate, readTemplateFile } from '../../../src/template/index.js';
import { writeFiles } from '../fake-plugins.js';

describe('formatTemplate', () => {
  it('orders top-level keys as Packer documents them, comments first and unknown keys last', () => {
    const text = formatTemplate({
      'post-processors': ['manifest'],
      builders: [{ region: 'r', name: 'web', type: 'amazon-ebs' }],
      zzz: 1,
      variables: { a: 'b' },
      _comment: 'hello',
      description: 'd',
      $schema: 's.json',
    });
    expect(text).toBe(
      [
        '{',
        '  "_comment": "hello",',
        '  "$schema": "s.json",',
        '  "description": "d",',
        '  "variables": {',
        '    "a": "b"',
        '  },',
        '  "builders": [',
        '    {',
        '      "type": "amazon-ebs",',
        '      "name": "web",',
        '      "region": "r"',
        '    }',
        '  ],',
        '  "post-processors": [',
        '    "manifest"',
        '  ],',
        '  "zzz": 1',
        '}',
        '',
      ].join('\n'),
    );
  });
  it('puts type first inside chains and keeps plugin keys in their written order', () => {
    const text = formatTemplate({ 'post-processors': [[{ output: 'x', type: 'compress', keep_input_artifact: true }]] });
    expect(JSON.parse(text)['post-processors'][0][0]).toEqual({ type: 'compress', output: 'x', keep_input_artifact: true });
    expect(Object.keys(JSON.parse(text)['post-processors'][0][0])).toEqual(['type', 'output', 'keep_input_artifact']);
  });
  it('is idempotent and keeps comments when read back from a file', () => {
    const dir = writeFiles({ 't.json': '{"builders":[{"type":"null","_comment":"x"}],"_comment":"top"}' });
    const once = formatTemplate(readTemplateFile(join(dir, 't.json')));
    const twice = formatTemplate(JSON.parse(once));
    expect(twice).toBe(once);
    expect(JSON.parse(once)).toEqual({ _comment: 'top', builders: [{ type: 'null', _comment: 'x' }] });
  });

  it('leaves every JSON file under templates/ as it is (what `bake fmt -check` checks): people copy them and gate CI on it', () => {
    const root = fileURLToPath(new URL('../../../templates/', import.meta.url));
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(formatTemplate(readTemplateFile(join(root, f))), f).toBe(readFileSync(join(root, f), 'utf8'));
  });
});
