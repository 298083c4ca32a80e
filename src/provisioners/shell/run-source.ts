import { readFile } from 'node:fs/promises';
import type { Communicator } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { isAbort } from '../../core/errors.js';
import { render } from '../../template/index.js';
import { flattenVars } from './env-vars.js';
import { checkExit, inlineLabel } from './exit-check.js';
import { buildInlineScript, type InlinePosition, splitMarker } from './inline-script.js';
import { envVarFilePath, type ResolvedShell, type ShellSource } from './resolve.js';
import { withStartRetry } from './start-retry.js';

interface Prepared {
  content: Buffer | string;
  /** Names what failed: `script "a.sh"`, `inline[2] "exit 7"`, or `inline commands` when untracked. */
  label: (failedAt?: InlinePosition) => string;
  describe: string;
}

/** Uploads one script, runs it through execute_command, checks its exit and removes it. */
export async function runSource(
  ctx: ProvisionContext,
  comm: Communicator,
  r: ResolvedShell,
  src: ShellSource,
  vars: Record<string, string>,
): Promise<void> {
  const p = await prepare(src, r);
  const envVarFile = r.useEnvVarFile ? envVarFilePath(r.remoteFolder) : undefined;
  const flattened = flattenVars(vars, r.envVarFormat);
  const command = render(r.executeCommand, {
    data: { Vars: flattened, Path: r.remotePath, EnvVarFile: envVarFile ?? '' },
    buildName: ctx.buildName,
    buildType: ctx.buildType,
    where: `${r.where}.execute_command`,
  });
  ctx.log.info(`Provisioning with shell script: ${p.describe}`);
  let failedAt: InlinePosition | undefined;
  const stderr = (line: string) => {
    const { text, at } = splitMarker(line);
    if (at) failedAt = at;
    if (!at || text) ctx.log.output(text);
  };
  const result = await withStartRetry(ctx, r.startRetryTimeoutMs, `shell provisioner: ${p.label()}`, async () => {
    await comm.uploadData(p.content, r.remotePath, { mode: 0o755, signal: ctx.signal });
    if (envVarFile) await comm.uploadData(flattened, envVarFile, { mode: 0o600, signal: ctx.signal });
    return comm.exec(command, { stdout: (l) => ctx.log.output(l), stderr, signal: ctx.signal });
  });
  try {
    checkExit('shell provisioner', p.label(failedAt), result, r, ctx.log);
  } finally {
    if (!r.skipClean) await clean(ctx, comm, r, [r.remotePath, ...(envVarFile ? [envVarFile] : [])]);
  }
}

async function prepare(src: ShellSource, r: ResolvedShell): Promise<Prepared> {
  if (src.kind === 'inline') {
    const script = buildInlineScript(src.lines, r.inlineShebang);
    const label = (at?: InlinePosition) => inlineLabel(src.lines, script.tracked, at);
    return { content: script.content, label, describe: `inline commands (${src.lines.length} line${src.lines.length === 1 ? '' : 's'})` };
  }
  const raw = await readFile(src.path);
  // latin1 round-trips every byte, so only CR LF pairs change.
  const content = r.binary ? raw : Buffer.from(raw.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
  return { content, label: () => `${src.key} "${src.path}"`, describe: src.path };
}

async function clean(ctx: ProvisionContext, comm: Communicator, r: ResolvedShell, paths: string[]): Promise<void> {
  if (ctx.signal.aborted) return;
  // Over SSH the SFTP session that uploaded the script removes it: one process fewer on the machine
  // per script (Packer runs `rm -f`). Whatever stops that (a reboot, a restricted SFTP) falls back to `rm -f`.
  if (comm.remove) {
    try {
      return await comm.remove(paths, { signal: ctx.signal });
    } catch (err) {
      if (isAbort(err) || ctx.signal.aborted) throw err;
    }
  }
  const what = `shell provisioner: removing ${paths.join(' ')}`;
  const result = await withStartRetry(ctx, r.startRetryTimeoutMs, what, () =>
    comm.exec(`rm -f ${paths.map((p) => `'${p.replaceAll("'", `'"'"'`)}'`).join(' ')}`, { stdout: () => {}, stderr: () => {}, signal: ctx.signal }),
  );
  if (result.exitCode !== 0) ctx.log.warn(`${what} failed (exit ${result.exitCode}): ${result.stderrTail.join(' | ')}`);
}
