/**
 * One fault injector for every fake cloud (EC2, Auto Scaling, OpenStack): it counts the calls a
 * fake receives and hits call number `at` with one kind of fault. Each fake renders the kind in
 * its own protocol (an SDK error shape, an HTTP status, a dropped socket).
 */
export const FAULT_KINDS = ['throttle', 'server', 'reset', 'lost', 'not-found'] as const;

/**
 * - throttle: RequestLimitExceeded / Throttling / HTTP 429, before the call takes effect
 * - server: InternalError / ServiceUnavailable / HTTP 503, before the call takes effect
 * - reset: the connection drops (or times out) before the call takes effect
 * - lost: the call takes effect, then the connection drops: the client never hears the answer
 * - not-found: eventual consistency, an id the call names is not visible yet (only calls that name one)
 */
export type FaultKind = (typeof FAULT_KINDS)[number];

export class FaultInjector {
  /** Every call the fake received, in order: "RunInstances", "POST /servers". */
  readonly calls: string[] = [];
  /** The fault that was applied, if call `at` came and the kind applied to it. */
  fired?: { call: number; command: string; kind: FaultKind };

  constructor(
    readonly at?: number,
    readonly kind?: FaultKind,
  ) {}

  /**
   * Counts one call and returns the fault to apply to it. `namesId` says whether the call names
   * an existing resource (only those can meet a not-found).
   */
  next(command: string, namesId: boolean): FaultKind | undefined {
    this.calls.push(command);
    if (this.kind === undefined || this.at !== this.calls.length) return undefined;
    if (this.kind === 'not-found' && !namesId) return undefined;
    this.fired = { call: this.calls.length, command, kind: this.kind };
    return this.kind;
  }
}

/** The error Node's HTTP stack raises when a connection drops, which SDKs treat as transient. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
}
