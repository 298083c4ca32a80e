import { ErrorList, UsageError } from '../../core/errors.js';
import type { Range } from './range.js';

/** The text of each file read, so a diagnostic can quote its line. */
const sources = new Map<string, string>();

export function rememberSource(file: string, text: string): void {
  sources.set(file, text);
}

/**
 * HCL's diagnostic shape: `file:line:col: message`, then the source line and a caret under the
 * subject. The quoted lines start with a space, so the CLI prints them without "Error: ".
 */
export function formatDiagnostic(range: Range | undefined, message: string): string {
  if (!range) return message;
  const head = `${range.file}:${range.start.line}:${range.start.col}: ${message}`;
  const text = sources.get(range.file);
  if (text === undefined) return head;
  const line = text.split('\n')[range.start.line - 1]?.replace(/\r$/, '');
  if (line === undefined) return head;
  const number = String(range.start.line);
  const width = range.end.line === range.start.line ? Math.max(1, range.end.col - range.start.col) : Math.max(1, line.length - range.start.col + 1);
  const caret = ' '.repeat(range.start.col - 1) + '^'.repeat(Math.min(width, 80));
  return `${head}\n  ${number} | ${line.replace(/\t/g, ' ')}\n  ${' '.repeat(number.length)} | ${caret}`;
}

/** A warning's one line: `file:line:col: message` (a warning does not quote its source line). */
export function formatWarning(range: Range | undefined, message: string): string {
  return range ? `${range.file}:${range.start.line}:${range.start.col}: ${message}` : message;
}

/** One problem in an HCL2 template, at a place; exit 2 as every template error. */
export class HclError extends UsageError {
  constructor(
    readonly range: Range | undefined,
    /** The problem without its place (BakeError's `detail` is something else: a line printed after the message). */
    readonly problem: string,
  ) {
    super(formatDiagnostic(range, problem));
    this.name = 'HclError';
  }
}

/** Collects every problem found, so one run reports them all; each message once. */
export class Diagnostics {
  readonly errors: string[] = [];
  readonly warnings: string[] = [];

  error(range: Range | undefined, message: string): void {
    const text = formatDiagnostic(range, message);
    if (!this.errors.includes(text)) this.errors.push(text);
  }

  warn(range: Range | undefined, message: string): void {
    const text = formatWarning(range, message);
    if (!this.warnings.includes(text)) this.warnings.push(text);
  }

  /** Adds a thrown HclError to the list; anything else is rethrown. */
  catch(err: unknown): void {
    if (err instanceof HclError) {
      if (!this.errors.includes(err.message)) this.errors.push(err.message);
    } else if (err instanceof ErrorList) {
      for (const m of err.messages) if (!this.errors.includes(m)) this.errors.push(m);
    } else throw err;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new ErrorList(this.errors);
  }
}
