import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Communicator } from '../../src/communicator/types.js';
import type { BuildContext, PostProcessContext, ProvisionContext } from '../../src/core/context.js';
import { type BakeEvent, EventBus } from '../../src/core/events.js';
import { Journal } from '../../src/core/journal.js';

/** A bus that keeps every event, for assertions on what the user would see. */
export function recordingBus(): { bus: EventBus; events: BakeEvent[]; lines: () => string[] } {
  const bus = new EventBus();
  const events: BakeEvent[] = [];
  bus.on((e) => events.push(e));
  return { bus, events, lines: () => events.map((e) => `${e.level}: ${e.text}`) };
}

export interface TestBuildContext extends BuildContext {
  events: BakeEvent[];
  controller: AbortController;
  journalPath: string;
}

/** A BuildContext for unit tests; `provision` defaults to doing nothing. */
export function makeBuildContext(overrides: Partial<BuildContext> & { provision?: BuildContext['provision'] } = {}): TestBuildContext {
  const { bus, events } = recordingBus();
  const controller = new AbortController();
  const journalPath = join(mkdtempSync(join(tmpdir(), 'bake-journal-')), 'journal.jsonl');
  const ctx: TestBuildContext = {
    buildName: 'test',
    buildType: 'test',
    buildId: 'bake-test-0001',
    log: bus.logger(overrides.buildName ?? 'test'),
    signal: controller.signal,
    force: false,
    debug: false,
    onError: 'cleanup',
    journal: new Journal(journalPath, 'bake-test-0001', overrides.buildName ?? 'test'),
    templateDir: process.cwd(),
    provision: async (_comm: Communicator) => {},
    cleanupSignal: (timeoutMs = 60_000) => AbortSignal.timeout(timeoutMs),
    events,
    controller,
    journalPath,
    ...overrides,
  };
  return ctx;
}

export function makeProvisionContext(overrides: Partial<ProvisionContext> = {}): ProvisionContext & { events: BakeEvent[] } {
  const { bus, events } = recordingBus();
  return {
    buildName: 'test',
    buildType: 'test',
    log: bus.logger('test'),
    signal: new AbortController().signal,
    templateDir: process.cwd(),
    vars: {},
    events,
    ...overrides,
  };
}

export function makePostProcessContext(overrides: Partial<PostProcessContext> = {}): PostProcessContext & { events: BakeEvent[]; bus: EventBus } {
  const { bus, events } = recordingBus();
  const journalPath = join(mkdtempSync(join(tmpdir(), 'bake-journal-')), 'journal.jsonl');
  return {
    buildName: 'test',
    buildType: 'test',
    buildId: 'bake-test-0001',
    log: bus.logger('test'),
    signal: new AbortController().signal,
    force: false,
    templateDir: process.cwd(),
    journal: new Journal(journalPath, 'bake-test-0001', 'test'),
    redact: (v) => bus.redactValue(v),
    cleanupSignal: (timeoutMs = 60_000) => AbortSignal.timeout(timeoutMs),
    events,
    bus,
    ...overrides,
  };
}
