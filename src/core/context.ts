import type { VerifiedHostKey } from '../communicator/host-key-verifier.js';
import type { Communicator } from '../communicator/types.js';
import type { Logger } from './events.js';
import type { Journal } from './journal.js';
import type { Prompter } from './prompter.js';

/** -on-error: remove what a failed build made, keep it for inspection, or ask (on a terminal). */
export type OnError = 'cleanup' | 'abort' | 'ask';

/** Everything a builder and its steps get from the run. */
export interface BuildContext {
  /** Build name (the builder's `name`, default its type). */
  readonly buildName: string;
  /** Builder type, e.g. "qemu". */
  readonly buildType: string;
  /** Unique id of this build in this run; every cloud resource is tagged `bake:build-id` with it. */
  readonly buildId: string;
  readonly log: Logger;
  /** Fires on Ctrl-C, SIGTERM, -on-error=abort of another build, or a timeout. */
  readonly signal: AbortSignal;
  /** -force: overwrite existing output / deregister an existing image of the same name. */
  readonly force: boolean;
  /** -debug: debug messages; on a terminal (`prompter`), a pause before each step. */
  readonly debug: boolean;
  readonly onError: OnError;
  /** The terminal, when stdin is one: -on-error=ask and -debug's pauses ask there. */
  readonly prompter?: Prompter;
  readonly journal: Journal;
  /** Directory of the template file, for relative paths. */
  readonly templateDir: string;
  /** Runs the template's provisioners for this build over `comm`. Builders call it between "connected" and "snapshot". */
  provision(comm: Communicator, vars?: Record<string, string>): Promise<void>;
  /**
   * A signal for cleanup work: not fired by the first Ctrl-C (cleanup must still happen), only
   * bounded by a timeout so a hung API call cannot hold the run forever.
   */
  cleanupSignal(timeoutMs?: number): AbortSignal;
  /** Set by `bake build --skip-unchanged`; builders that can reuse an image built from the same inputs read it. */
  readonly skipUnchanged?: SkipUnchanged;
  /**
   * Tags (AMI tags, Glance properties) for the image a builder makes after ctx.provision: the digests
   * of the SBOM listed there (bake:sbom-sha256, bake:packages-sha256). Empty before provisioning.
   */
  imageTags?(): Record<string, string>;
}

/** What decides a build's image, besides the source image the builder resolves itself. */
export interface SkipUnchanged {
  /** The builder's and provisioners' configs with run-to-run values held constant (BuildFingerprintSource.template). */
  template: { builder: Record<string, unknown>; provisioners: Record<string, unknown>[] };
  /** The provisioners' configs as this run rendered them, each with its `type`: the local files they use count too. */
  provisioners: Record<string, unknown>[];
  /** Where relative provisioner paths are read from: the working directory, as in Packer. */
  baseDir: string;
}

/** What a provisioner gets. */
export interface ProvisionContext {
  readonly buildName: string;
  readonly buildType: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly templateDir: string;
  /** Extra values a builder exposes to provisioners (e.g. SSH host/port for shell-local); names in BUILDER_VALUE_NAMES. */
  readonly vars: Record<string, string>;
}

/**
 * Every name a builder passes in ProvisionContext.vars (the second argument of ctx.provision), so
 * `bake validate` can tell a state file's `{{ .Host }}` (filled in when the build runs) from a typo.
 */
export const BUILDER_VALUE_NAMES = ['Host', 'Port', 'User', 'ID', 'SSHHostPort', 'MountPath', 'Device', 'ServiceMode'] as const;

/** What a post-processor gets. */
export interface PostProcessContext {
  readonly buildName: string;
  readonly buildType: string;
  readonly buildId: string;
  readonly log: Logger;
  readonly signal: AbortSignal;
  readonly force: boolean;
  readonly templateDir: string;
  readonly journal: Journal;
  /**
   * Set when the build fails although its image is finished (a cleanup failed): post-processors
   * still record the image, but one that changes what runs in production (amazon-asg) must not.
   */
  readonly buildFailure?: string;
  /** Redacts sensitive values out of data written to files (e.g. the manifest). */
  redact<T>(value: T): T;
  /** The SSH host key of the machine the build provisioned, as it was accepted. */
  readonly sshHostKey?: VerifiedHostKey;
  cleanupSignal(timeoutMs?: number): AbortSignal;
  /** Packer's build values ({{ build `ID` }}, HCL2's build.ID) for post-processors that use them. */
  readonly buildValues?: Record<string, string>;
  /** The build's SBOM and provenance files, for the manifest. */
  readonly supplyChain?: { files: string[]; sbomSha256?: string; packagesSha256?: string };
}
