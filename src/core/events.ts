import { processRedactor, Redactor } from './redactor.js';

export type Level = 'debug' | 'info' | 'say' | 'output' | 'warn' | 'error';

export interface Progress {
  /** What is being measured: "upload", "wait", "copy", ... */
  label: string;
  current: number;
  /** Undefined when the total is unknown (e.g. a wait with no end but a timeout). */
  total?: number;
  unit?: 'bytes' | 'seconds' | 'percent' | 'items';
  done?: boolean;
}

export interface BakeEvent {
  time: Date;
  /** Build name, or "" for run-level messages. */
  build: string;
  level: Level;
  text: string;
  progress?: Progress;
  /** Machine-readable extras (artifact ids, exit codes); redacted like text. */
  data?: Record<string, unknown>;
}

export type Listener = (event: BakeEvent) => void;

/**
 * The one place every message goes through. Sensitive values are replaced here, before any
 * renderer sees them, so no renderer (or manifest writer that uses redact()) can leak them.
 */
export class EventBus {
  private listeners: Listener[] = [];
  private readonly secrets = new Redactor();

  addSecret(value: unknown): void {
    this.secrets.add(value);
    processRedactor.add(value);
  }

  get hasSecrets(): boolean {
    return this.secrets.size > 0;
  }

  redact(text: string): string {
    return this.secrets.redact(text);
  }

  /** Redacts every string inside a JSON-like value. */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v)) as T;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v);
      return out as T;
    }
    return value;
  }

  on(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  emit(event: Omit<BakeEvent, 'time'> & { time?: Date }): void {
    const e: BakeEvent = {
      ...event,
      time: event.time ?? new Date(),
      text: this.redact(event.text),
      ...(event.data ? { data: this.redactValue(event.data) } : {}),
    };
    for (const l of this.listeners) l(e);
  }

  /** A logger bound to one build name. */
  logger(build: string): Logger {
    return new Logger(this, build);
  }
}

/** What steps, provisioners and post-processors use to talk to the user. */
export class Logger {
  constructor(
    readonly bus: EventBus,
    readonly build: string,
  ) {}

  /** A headline step message: "==> build: text". */
  say(text: string, data?: Record<string, unknown>): void {
    this.bus.emit({ build: this.build, level: 'say', text, data });
  }
  /** A detail line under the current step: "    build: text". */
  info(text: string): void {
    this.bus.emit({ build: this.build, level: 'info', text });
  }
  /** A line of a remote or local command's output. */
  output(text: string): void {
    this.bus.emit({ build: this.build, level: 'output', text });
  }
  warn(text: string): void {
    this.bus.emit({ build: this.build, level: 'warn', text });
  }
  error(text: string): void {
    this.bus.emit({ build: this.build, level: 'error', text });
  }
  debug(text: string): void {
    this.bus.emit({ build: this.build, level: 'debug', text });
  }
  progress(text: string, progress: Progress): void {
    this.bus.emit({ build: this.build, level: 'info', text, progress });
  }
}
