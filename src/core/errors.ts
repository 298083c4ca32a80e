/**
 * An error a user can act on. `message` is one line that names the subject (file, JSON path,
 * provisioner, resource) and what was expected; `exitCode` is what the CLI returns for it.
 * Stack traces are shown only with --debug.
 */
export class BakeError extends Error {
  readonly exitCode: number;
  /** Lines printed under the message as they are, e.g. the source line with a caret under the column. */
  readonly detail?: string;
  constructor(message: string, options: { cause?: unknown; exitCode?: number; detail?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BakeError';
    this.exitCode = options.exitCode ?? 1;
    if (options.detail) this.detail = options.detail;
  }
}

/**
 * Every step of a build succeeded but a cleanup failed. The build fails, yet what it made is
 * finished and handed over: `result` carries it (the artifact) so that it is still reported.
 */
export class CleanupFailedError extends BakeError {
  result?: unknown;
  constructor(
    message: string,
    /** The pipeline's final state, from which the builder makes its result. */
    readonly state: object,
  ) {
    super(message);
    this.name = 'CleanupFailedError';
  }
}

/** Bad usage, bad flag or invalid template: exit code 2. */
export class UsageError extends BakeError {
  constructor(message: string, options: { cause?: unknown; detail?: string } = {}) {
    super(message, { ...options, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** Several problems found at once (e.g. every validation error of a template). */
export class ErrorList extends UsageError {
  readonly messages: string[];
  constructor(messages: string[]) {
    super(messages.join('\n'));
    this.name = 'ErrorList';
    this.messages = messages;
  }
}

/** The run was aborted (Ctrl-C, SIGTERM, -on-error=abort, a timeout). */
export class AbortedError extends BakeError {
  constructor(reason = 'aborted') {
    super(reason);
    this.name = 'AbortedError';
  }
}

export function isAbort(err: unknown): boolean {
  return (
    err instanceof AbortedError ||
    (err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR'))
  );
}

/** Throws AbortedError when the signal has fired; call it between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError(reasonText(signal.reason));
}

export function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'aborted';
}

/** The one-line text for an unknown thrown value. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
