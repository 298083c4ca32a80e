import { Command, CommanderError, Option } from 'commander';
import { BakeCommand } from './unknown-flag.js';
import { packerLog } from './packer-log.js';
import { ENVIRONMENT_HELP } from './environment.js';
import { BakeError, errorText } from '../core/errors.js';
import { processRedactor } from '../core/redactor.js';
import { collect, normalizeArgv } from './argv.js';
import { buildCommand } from './build-command.js';
import { cleanupCommand } from './cleanup-command.js';
import { consoleCommand } from './console-command.js';
import { PASSPHRASE_ENV, verifyProvenance } from '../provenance/index.js';
import { diffCommand } from './diff-command.js';
import { fmtCommand } from './fmt-command.js';
import { inspectCommand } from './inspect-command.js';
import { planJsonCommand } from './plan-json-command.js';
import { addPruneCommand } from './prune-command.js';
import { reportCommand } from './report-command.js';
import { addRollbackCommand } from './rollback-command.js';
import { addRolloutCommand } from './rollout-command.js';
import { validateCommand } from './validate-command.js';
import { bakeVersion } from './version.js';

const VAR_HELP = 'set a template variable (repeatable): -var region=eu-west-1';
const VAR_FILE_HELP = 'read variables from a file: JSON, or .pkrvars.hcl for HCL2 templates (repeatable; later files win, -var wins over files)';

/** A command that reads a template, with the variable and build-selection flags they all share. */
function templateCommand(p: Command, name: string, verb: string, several = false): Command {
  return p
    .command(name)
    .argument(several ? '<templates...>' : '<template>', several ? `templates (legacy JSON, .pkr.hcl, .pkr.json or a directory of HCL2 files), ${verb === 'run' ? 'run one after another ' : ''}in the order given; - reads a JSON one from standard input` : 'template (legacy JSON, .pkr.hcl, .pkr.json or a directory of HCL2 files), or - for a JSON template on standard input')
    .option('--var <key=value>', VAR_HELP, collect)
    .option('--var-file <file>', VAR_FILE_HELP, collect)
    .option('--only <builds>', `${verb} only these builds (comma-separated names, * and ? globs; repeatable)`, collect)
    .option('--except <builds>', `${verb} every build but these (comma-separated names or globs; repeatable)`, collect);
}

function program(result: { code: number }, debug: { on: boolean }): Command {
  const p = new BakeCommand('bake')
    .description(
      'Bake machine images from Packer templates (legacy JSON or HCL2), then roll them out.\n' +
        'Flags may be written Packer-style (-var k=v, -only=x) or GNU-style (--var k=v).\n' +
        '`bake FILE` is short for `bake build FILE`.',
    )
    .version(bakeVersion(), '-v, --version', 'print the version')
    .showSuggestionAfterError(true)
    .addHelpText('after', ENVIRONMENT_HELP)
    .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'Error: ')) })
    .exitOverride();

  templateCommand(p, 'build', 'run', true)
    .description('Run every build of a template: boot, provision, snapshot, post-process. Exit 1 if a build fails. Several templates run one after another, each one\'s builds in parallel; a failed build stops the templates after it.')
    .option('--force', 'overwrite existing output directories / deregister an image of the same name')
    .addOption(
      new Option(
        '--on-error <action>',
        'on a build error: "cleanup" removes everything it created; "abort" stops all builds, keeps the failed one\'s resources for inspection, prints how to reach them and the `bake cleanup` command that removes them, and exits; "ask" (on a terminal) offers retry, abort, cleanup, or continue past a failed provisioner',
      ).default('cleanup'),
    )
    .option('--parallel-builds <n>', 'how many builds run at once (0 = no limit)', '0')
    .option('--timestamp-ui', 'prefix every line with a timestamp')
    .option('--machine-readable', 'print one JSON object per event, for CI and scripts')
    .option('--color <bool>', 'colored output (default: on when stdout is a terminal and NO_COLOR is unset)')
    .option('--debug', 'show debug messages and stack traces; on a terminal, pause before each step and provisioner, and write temporary SSH keys to the working directory')
    .option('--dry-run', 'print what each build would use and make, and create nothing (as `bake plan`)')
    .option(
      '--skip-unchanged',
      'amazon-ebs, openstack: when an image tagged bake:fingerprint with this build\'s fingerprint (template without {{timestamp}}/{{uuid}}, provisioned files, source image) exists, reuse it instead of building; post-processors still run',
    )
    .option('--run-log <file>', 'write the run record (every event, as JSON lines) here instead of ~/.cache/bake/runs/<run-id>.jsonl')
    .option('--log-dir <dir>', 'also write one plain log per build: DIR/<build>.log')
    .option('--log-per-provisioner', 'with --log-dir: also one log per provisioner run, DIR/<build>/<n>-<type>.log')
    .option('--report-junit <file>', 'write a JUnit XML report: one test case per build')
    .option('--sign-key <file>', `sign each build's provenance (DSSE, in-toto SLSA v1) with this ed25519 or ECDSA private key (PEM or OpenSSH; passphrase from $${PASSPHRASE_ENV})`)
    .option('--diff-against <run>', 'print, per build, the packages changed since the previous build of the same name: "last" or a run id')
    .option('--spdx', 'also write each build\'s SBOM as SPDX 2.3 JSON (sbom.spdx.json, beside sbom.cdx.json)')
    .action(async (templates: string[], flags) => {
      debug.on ||= flags.debug === true;
      result.code = await buildCommand(templates, flags);
    });

  templateCommand(p, 'plan', 'plan', true)
    .description('Resolve a template and print, per build, what it would use and make (source image, image names checked for collisions, tags, sharing), creating nothing. Same as `build --dry-run`.')
    .option('--skip-unchanged', 'amazon-ebs: also say whether `build --skip-unchanged` would reuse an AMI or build')
    .option('--machine-readable', 'print one JSON object per event')
    .option('--color <bool>', 'colored output')
    .option('--debug', 'show debug messages and stack traces')
    .option('--json', 'print one JSON object listing every build (template, name, type, regions, skip) for a CI matrix; nothing else on stdout')
    .action(async (templates: string[], flags) => {
      debug.on ||= flags.debug === true;
      result.code = flags.json ? await planJsonCommand(templates, flags) : await buildCommand(templates, { ...flags, dryRun: true });
    });

  templateCommand(p, 'validate', 'validate')
    .description('Check a template and report every error at once. Exit 2 if it is invalid.')
    .option('--syntax-only', 'check JSON syntax and the top-level structure only, not each plugin')
    .action(async (template: string, flags) => {
      result.code = await validateCommand(template, flags);
    });

  p.command('inspect')
    .description('List a template\'s variables (sensitive ones masked), builds, provisioners and post-processors.')
    .argument('<template>', 'template (legacy JSON, .pkr.hcl, .pkr.json or a directory of HCL2 files), or - for a JSON template on standard input')
    .option('--var <key=value>', `${VAR_HELP}; shown in place of the default`, collect)
    .option('--var-file <file>', VAR_FILE_HELP, collect)
    .action(async (template: string, flags) => {
      result.code = await inspectCommand(template, flags);
    });

  p.command('console')
    .description('Evaluate {{ }} expressions as a template would, with its variables (as `packer console`): from the arguments, or one per line from standard input.')
    .argument('[template-and-expressions...]', 'a template file (optional), then expressions such as "{{user `region`}}" or "upper `a`"')
    .option('--var <key=value>', VAR_HELP, collect)
    .option('--var-file <file>', VAR_FILE_HELP, collect)
    .action(async (args: string[], flags) => {
      result.code = await consoleCommand(args, flags);
    });

  p.command('fmt')
    .description('Rewrite templates in canonical form: legacy JSON, and HCL2 files as `packer fmt` does. With -check, exit 3 if a file is not formatted.')
    .argument('<templates...>', 'template files (JSON, .pkr.hcl, .pkrvars.hcl) or directories of HCL2 files')
    .option('--check', 'only check: list unformatted files and exit 3 if there are any; write nothing')
    .option('--write <bool>', 'write the result back to the file (default: true unless -check)')
    .option('--diff', 'print a diff of the changes')
    .option('--recursive', 'also format the HCL2 files in subdirectories of the directories given')
    .action(async (templates: string[], flags) => {
      const write = flags.write === undefined ? undefined : !/^(false|0|no)$/i.test(String(flags.write));
      result.code = await fmtCommand(templates, { check: flags.check, diff: flags.diff, write, recursive: flags.recursive });
    });

  p.command('cleanup')
    .description('Remove resources that interrupted, aborted or killed runs left behind, as recorded in the journal. Resources of builds whose bake process still runs are listed as in use and never touched.')
    .option('--dry-run', 'list what would be removed (and what is in use), remove nothing')
    .option('--build-id <id>', 'only the resources of this build (-on-error=abort prints the command with it)')
    .option('--region <region>', 'only resources in this region (cloud cleaners may also search it by the bake:build-id tag)')
    .option('--older-than <age>', 'only resources created at least this long ago, e.g. 2h or 30d')
    .option('--journal <file>', 'journal file (default: ~/.cache/bake/journal.jsonl)')
    .option('--machine-readable', 'print one JSON object per event')
    .action(async (flags) => {
      result.code = await cleanupCommand(flags);
    });

  p.command('report')
    .description('Draw a recorded run as one self-contained HTML page: a timeline lane per build with its steps, waits, provisioners, copies and post-processors, failures and totals.')
    .argument('[run]', 'a run id, a run record file (.jsonl), or nothing for the latest run started in this directory')
    .option('-o, --output <file>', 'where to write the page (default: bake-report-<run-id>.html)')
    .action(async (run: string | undefined, flags) => {
      result.code = await reportCommand(run, flags);
    });

  p.command('verify')
    .description('Check a provenance file (provenance.intoto.jsonl, or the Sigstore bundle provenance.sigstore.json): its signature with the public key, and that it names the image or file. Exit 1 with the reason when not.')
    .argument('<provenance>', 'the provenance file (DSSE or Sigstore bundle) a build wrote')
    .requiredOption('--key <file>', 'public key (PEM or OpenSSH .pub) of the -sign-key the build used')
    .option('--image <id>', 'a cloud image id (AMI, Glance) the statement must name')
    .argument('[file]', 'an image file whose sha256 the statement must name')
    .action(async (provenance: string, file: string | undefined, flags) => {
      process.stdout.write(`${await verifyProvenance({ provenance, keyFile: flags.key, image: flags.image, file })}\n`);
      result.code = 0;
    });

  p.command('diff')
    .description('Packages added, removed and changed from A to B. A and B: SBOM files, manifests, run ids or records, image files with an SBOM beside them, or image ids a run record lists.')
    .argument('<a>', 'the earlier image')
    .argument('<b>', 'the later image')
    .option('--json', 'print the changes as JSON')
    .option('--exit-code', 'exit 1 when any package changed (for CI gates)')
    .action(async (a: string, b: string, flags) => {
      result.code = await diffCommand(a, b, flags);
    });

  addRolloutCommand(p, result);
  addRollbackCommand(p, result);
  addPruneCommand(p, result);

  p.command('version')
    .description('Print bake\'s version.')
    .action(() => {
      process.stdout.write(`bake ${bakeVersion()}\n`);
    });
  return p;
}

/** Runs the CLI and returns its exit code: 0 ok, 1 a build failed, 2 bad usage or invalid template. */
export async function main(argv: string[]): Promise<number> {
  const result = { code: 0 };
  // PACKER_LOG=1 shows stack traces as -debug does; with PACKER_LOG_PATH the console stays as it is.
  const debug = { on: argv.includes('-debug') || argv.includes('--debug') || (packerLog().on && !packerLog().path) };
  const p = program(result, debug);
  const normalized = normalizeArgv(argv);
  for (const arg of argv) if (/^-[a-zA-Z]/.test(arg) && normalized.includes(`-${arg}`)) BakeCommand.typed.set(`-${arg}`, arg);
  try {
    await p.parseAsync(normalized, { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version end with exitCode 0; everything else commander reports is bad usage.
      return err.exitCode === 0 ? 0 : 2;
    }
    // Errors that escaped the event bus are redacted here: no path to stdout/stderr skips it.
    const print = (text: string) => process.stderr.write(`${processRedactor.redact(text)}\n`);
    if (err instanceof BakeError) {
      // HCL2 diagnostics quote the source line under their message: those lines start with a space.
      for (const line of err.message.split('\n')) print(line.startsWith(' ') ? line : `Error: ${line}`);
      if (err.detail) print(err.detail);
      if (debug.on && err.stack) print(err.stack);
      return err.exitCode;
    }
    print(`Error: ${errorText(err)}`);
    if (debug.on && err instanceof Error && err.stack) print(err.stack);
    return 1;
  }
}
