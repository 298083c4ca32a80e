import type { HclError } from './diagnostics.js';
import type { Range } from './range.js';

export interface HclFunction {
  /** Fewest and most arguments (Infinity: variadic). */
  arity: [number, number];
  call(args: unknown[]): unknown;
  /** Whether call() takes unknown arguments itself; otherwise an unknown argument makes the result unknown. */
  acceptsUnknown?: boolean;
}

/** A failed call; `arg` is the index of the argument at fault, for the caret. */
export class FunctionError extends Error {
  constructor(
    message: string,
    readonly arg?: number,
  ) {
    super(message);
  }
}

export interface FunctionTable {
  get(name: string): HclFunction | undefined;
  /** The error for a name the table lacks: unsupported Packer function, or unknown. */
  missing(name: string, at: Range): HclError;
}
