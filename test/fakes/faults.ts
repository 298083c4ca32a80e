/**
 * One fault injector for every fake cloud (EC2, Auto Scaling, OpenStack): it counts the calls a
 * fake receives and hits call number `at` with one kind of fault. Each fake renders the kind in
 * its own protocol (an SDK error shape, an HTTP status, a dropped socket).
 */
export const FAULT_KINDS = ['throttle', 'server', 'reset', 'lost', 'not-found'] as const;

/** A fault that lasts: from call `at` on, every call of its command in its region fails (a sweep opts in, per command). */
export const OUTAGE = 'outage' as const;

/**
 * - throttle: RequestLimitExceeded / Throttling / HTTP 429, before the call takes effect
 * - server: InternalError / ServiceUnavailable / HTTP 503, before the call takes effect
 * - reset: the connection drops (or times out) before the call takes effect
 * - lost: the call takes effect, then the connection drops: the client never hears the answer
 * - not-found: eventual consistency, an id the call names is not visible yet (only calls that name one)
 * - outage: ServiceUnavailable / HTTP 503 before the call takes effect, for this call and every later
 *   call of the same command in the same region (only the commands the injector is given)
 */
export type FaultKind = (typeof FAULT_KINDS)[number] | typeof OUTAGE;

export class FaultInjector {
  /** Every call the fake received, in order: "RunInstances", "POST /servers". */
  readonly calls: string[] = [];
  /** The fault that was applied, if call `at` came and the kind applied to it. */
  fired?: { call: number; command: string; kind: FaultKind };

  /** With an outage: the command and region that are down. */
  private down?: string;

  constructor(
    readonly at?: number,
    readonly kind?: FaultKind,
    /** The commands an outage can hit. */
    readonly outageCommands: readonly string[] = [],
  ) {}

  /**
   * Counts one call and returns the fault to apply to it. `namesId` says whether the call names
   * an existing resource (only those can meet a not-found); `region` scopes an outage.
   */
  next(command: string, namesId: boolean, region = ''): FaultKind | undefined {
    this.calls.push(command);
    if (this.down !== undefined && this.down === `${command} ${region}`) return OUTAGE;
    if (this.kind === undefined || this.at !== this.calls.length) return undefined;
    if (this.kind === 'not-found' && !namesId) return undefined;
    if (this.kind === OUTAGE) {
      if (!this.outageCommands.includes(command)) return undefined;
      this.down = `${command} ${region}`;
    }
    this.fired = { call: this.calls.length, command: region && this.kind === OUTAGE ? `${command} (${region})` : command, kind: this.kind };
    return this.kind;
  }
}

/** The error Node's HTTP stack raises when a connection drops, which SDKs treat as transient. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET', $metadata: {} });
}
