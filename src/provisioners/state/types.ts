import type { JsonSchema } from '../../plugins/types.js';

/** What the guest looked like when probed: `key=value` lines printed by a state's probe snippet. */
export type Facts = Record<string, string>;

/** Facts about the guest as a whole, probed once per batch. */
export interface HostFacts {
  /** Package manager found on the guest: apt, dnf, yum, apk, or "" when none. */
  pm: string;
  /** Whether systemd is PID 1 (services can be started, not only enabled). */
  systemd: boolean;
}

/** Per-run settings and memory shared by every state function. */
export interface RunEnv {
  host: HostFacts;
  serviceMode: 'full' | 'enable-only';
  /** Set once the package index has been refreshed in this run (at most once). */
  indexRefreshed: boolean;
}

export type Changes = Record<string, unknown>;

/** The outcome of a check: empty changes means "already so". */
export interface CheckResult {
  changes: Changes;
  comment: string;
}

/** Runs a script on the guest (as root when sudo is configured) and uploads bytes. */
export interface Remote {
  /** `code` is -1 when the command reported no exit status (`signal` says why, when it was killed). */
  run(script: string): Promise<{ code: number; signal?: string; stdout: string; stderr: string }>;
  /** Runs a script, throwing StateFailure with its stderr when it exits non-zero. */
  must(script: string, what: string): Promise<string>;
  /** Uploads bytes to a fresh temporary path on the guest and returns it. */
  upload(data: Buffer | string): Promise<string>;
}

/** A state function failed for a reason the user should read (the command's stderr). */
export class StateFailure extends Error {}

/**
 * One `<module>.<function>`: a pure check over probed facts and an apply. `A` is the validated
 * argument object (Salt's argument names), `P` what prepare() read on the controller side.
 */
export interface StateFunction<A = any, P = unknown> {
  name: string;
  /** JSON Schema of the arguments (requisites are removed before validation). */
  schema: JsonSchema;
  /** Controller-side work done before anything runs (e.g. reading a `source`); throws a one-line message. */
  prepare?(args: A, ctx: PrepareContext): Promise<P> | P;
  /** A POSIX shell snippet that prints this state's facts as `key=value` lines. No side effects. */
  probe(args: A, prepared: P): string;
  /**
   * The snippet runs the user's own commands (cmd.run's unless/onlyif), which may do more than
   * read: a probe cut off by a lost connection is then not run again. They may carry env values,
   * so a probe with such a snippet travels as an uploaded script, never on a command line.
   */
  probeRunsCommands?(args: A): boolean;
  check(args: A, facts: Facts, prepared: P, env: RunEnv): CheckResult;
  apply(args: A, facts: Facts, prepared: P, env: RunEnv, remote: Remote, check: CheckResult): Promise<CheckResult>;
  /**
   * Reaction to a changed `watch` requisite (restart a service, run a command); `applied` is what
   * this state's own apply just changed, so it can avoid doing the same work twice.
   */
  watch?(args: A, facts: Facts, prepared: P, env: RunEnv, remote: Remote, applied: Changes): Promise<CheckResult>;
}

export interface PrepareContext {
  /** Directory relative sources are read from (the state file's, or the template's). */
  baseDir: string;
  /** Values `{{ .key }}` renders to in `template: true` files. */
  vars: Record<string, string>;
}

export type RequisiteKind = 'require' | 'watch' | 'onchanges' | 'onfail';

/** A reference to another state: its id (or name), optionally restricted to one module. */
export interface StateRef {
  module?: string;
  id: string;
}

/** One declared state after parsing, before validation of its arguments. */
export interface StateDecl {
  /** Unique key: `id` alone, or `id:module` when one id declares several modules. */
  key: string;
  id: string;
  fn: string;
  module: string;
  args: Record<string, unknown>;
  requisites: Record<RequisiteKind, StateRef[]>;
  /** Declaration index, for the stable order. */
  index: number;
  /** Where to point the user: `t.json: provisioners[1].states.nginx`. */
  where: string;
}

/** What every state reports, as Salt does. `result: null` = test mode, would change. */
export interface StateResult {
  id: string;
  name: string;
  fn: string;
  changes: Changes;
  result: boolean | null;
  comment: string;
  durationMs: number;
  /** Ids of watched states that changed, when this state reacted to them. */
  watched?: string[];
}
