import type { EventBus } from '../core/events.js';

/** `data.run_start`: the first event of a run record. */
export interface RunStartData {
  id: string;
  bake_version: string;
  templates: string[];
  /** The working directory bake ran in: `bake report` without a run draws the newest run of the directory it is called in. */
  cwd?: string;
}

/** `data.stage`: a template's builds, before they run (`not_run` says why one will not). */
export interface StageData {
  template: string;
  index: number;
  builds: { name: string; type: string; not_run?: string }[];
}

/** `data.run_end`: the last event. */
export interface RunEndData {
  ms: number;
  failed: number;
}

export function emitRunStart(bus: EventBus, data: RunStartData): void {
  bus.emit({ build: '', level: 'debug', text: `run ${data.id} started`, data: { run_start: data } });
}

export function emitStage(bus: EventBus, data: StageData): void {
  bus.emit({ build: '', level: 'debug', text: `template ${data.template}: ${data.builds.length} build(s)`, data: { stage: data } });
}

export function emitRunEnd(bus: EventBus, data: RunEndData): void {
  bus.emit({ build: '', level: 'debug', text: `run finished after ${data.ms}ms`, data: { run_end: data } });
}
