import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../src/core/journal.js';

const path = () => join(mkdtempSync(join(tmpdir(), 'bake-journal-')), 'journal.jsonl');

describe('journal', () => {
  it('reads past a last line torn by a power cut, and the next run\'s entries are not glued to it', () => {
    const p = path();
    const first = new Journal(p, 'b-1', 'web');
    first.created({ type: 'aws:instance', id: 'i-1', region: 'us-east-1' });
    // The process died in the middle of writing its next entry.
    appendFileSync(p, '{"type":"aws:image","id":"ami-torn","op":"cre');
    expect(Journal.open(p).map((r) => r.id)).toEqual(['i-1']);
    const next = new Journal(p, 'b-2', 'web');
    next.created({ type: 'aws:security-group', id: 'sg-2', region: 'us-east-1' });
    next.created({ type: 'aws:key-pair', id: 'bake_b-2', region: 'us-east-1' });
    next.removed({ type: 'aws:key-pair', id: 'bake_b-2', region: 'us-east-1' });
    expect(Journal.open(p).map((r) => r.id)).toEqual(['i-1', 'sg-2']);
  });

  it('a create and a remove of the same id in different regions do not cancel each other', () => {
    const p = path();
    const j = new Journal(p, 'b-1', 'web');
    j.created({ type: 'aws:image', id: 'ami-same', region: 'us-east-1' });
    j.created({ type: 'aws:image', id: 'ami-same', region: 'eu-west-1' });
    j.removed({ type: 'aws:image', id: 'ami-same', region: 'eu-west-1' });
    expect(Journal.open(p).map((r) => `${r.id} ${r.region}`)).toEqual(['ami-same us-east-1']);
  });
});
