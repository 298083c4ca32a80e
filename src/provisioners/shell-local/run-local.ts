import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCommunicator } from '../../communicator/local.js';
import { throwIfAborted } from '../../core/errors.js';
import type { Logger } from '../../core/events.js';
import { render } from '../../template/index.js';
import { buildInlineScript, buildVars, checkExit, flattenVars, type InlinePosition, inlineLabel, type ShellSource, splitMarker } from '../shell/index.js';
import type { ResolvedShellLocal } from './resolve.js';

export interface LocalRun {
  /** Who is talking, for messages: "shell-local provisioner". */
  who: string;
  buildName: string;
  buildType: string;
  log: Logger;
  signal: AbortSignal;
  /** Values a builder exposes ({{.Host}}, PACKER_HTTP_ADDR, ...). */
  vars?: Record<string, string>;
  /** Extra environment, e.g. the artifact for the post-processor. */
  extraEnv?: Record<string, string>;
}

const PLATFORMS: Record<string, string> = { win32: 'windows' };

/** Runs each command/inline/script on this machine through execute_command, as Packer's shell-local. */
export async function runShellLocal(r: ResolvedShellLocal, run: LocalRun): Promise<void> {
  const platform = PLATFORMS[process.platform] ?? process.platform;
  if (r.onlyOn && !r.onlyOn.includes(platform)) {
    run.log.info(`Skipping ${run.who}: only_on is ${r.onlyOn.join(', ')} and this is ${platform}`);
    return;
  }
  const vars = { ...buildVars(run, r.userVars), ...run.extraEnv };
  const comm = new LocalCommunicator(run.log);
  const temp = await mkdtemp(join(tmpdir(), 'bake-shell-local-'));
  try {
    for (const src of r.sources) {
      throwIfAborted(run.signal);
      await runOne(r, run, comm, src, vars, temp);
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

async function runOne(
  r: ResolvedShellLocal,
  run: LocalRun,
  comm: LocalCommunicator,
  src: ShellSource,
  vars: Record<string, string>,
  temp: string,
): Promise<void> {
  let script: string;
  let label: (at?: InlinePosition) => string;
  if (src.kind === 'inline') {
    const built = buildInlineScript(src.lines, r.inlineShebang);
    script = join(temp, `script${r.tempfileExtension}`);
    await writeFile(script, built.content, { mode: 0o700 });
    label = (at) => inlineLabel(src.lines, built.tracked, at);
    run.log.info(`Running local ${r.command !== undefined ? 'command' : `inline commands (${src.lines.length})`}`);
  } else {
    script = src.path;
    label = () => `${src.key} "${src.path}"`;
    run.log.info(`Running local script: ${src.path}`);
  }
  const data = { ...run.vars, Vars: flattenVars(vars, r.envVarFormat), Script: script, Command: r.command ?? '' };
  const argv = r.executeCommand.map((arg, i) =>
    render(arg, { data, buildName: run.buildName, buildType: run.buildType, where: `${r.where}.execute_command[${i}]` }),
  );
  let failedAt: InlinePosition | undefined;
  const result = await comm.execFile(argv, {
    env: vars,
    signal: run.signal,
    stdout: (l) => run.log.output(l),
    stderr: (line) => {
      const { text, at } = splitMarker(line);
      if (at) failedAt = at;
      if (!at || text) run.log.output(text);
    },
  });
  checkExit(run.who, label(failedAt), result, r, run.log);
}
