/** What one failed task said: the task's name, the host and ansible's message. */
export interface TaskFailure {
  task: string;
  host: string;
  unreachable: boolean;
  message: string;
}

const ANSI = /\x1b\[[0-9;]*m/g;
const TASK = /^(?:TASK|RUNNING HANDLER) \[(.+?)\]/;
const FATAL = /^fatal: \[([^\]]+)\]: (FAILED|UNREACHABLE)! => (.*)$/;
const MAX_MESSAGE = 300;

/**
 * Reads ansible-playbook's default output line by line and remembers the first task that failed,
 * so the build fails with that task's name and message rather than "exited with 2".
 */
export class PlaybookWatch {
  private task = '';
  /** A failure whose JSON result spans lines (with -v), until its closing brace. */
  private pending?: { host: string; unreachable: boolean; lines: string[] };
  failure?: TaskFailure;

  line(raw: string): void {
    const line = raw.replace(ANSI, '');
    if (this.pending) {
      this.pending.lines.push(line);
      if (line === '}') this.fail(this.pending.host, this.pending.unreachable, this.pending.lines.join('\n'));
      return;
    }
    const task = TASK.exec(line);
    if (task) {
      this.task = task[1];
      return;
    }
    const fatal = FATAL.exec(line);
    if (!fatal || this.failure) return;
    const unreachable = fatal[2] === 'UNREACHABLE';
    if (fatal[3].trim() === '{') this.pending = { host: fatal[1], unreachable, lines: ['{'] };
    else this.fail(fatal[1], unreachable, fatal[3]);
  }

  private fail(host: string, unreachable: boolean, result: string): void {
    this.pending = undefined;
    this.failure = { task: this.task || 'Gathering Facts', host, unreachable, message: messageOf(result) };
  }
}

/** The `msg` of ansible's JSON result (with stderr when the module wrote some), else the raw text. */
function messageOf(result: string): string {
  let text = result.trim();
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const parts = [parsed.msg, parsed.stderr, parsed.module_stderr].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
    if (parts.length) text = [...new Set(parts.map((p) => p.trim()))].join(': ');
  } catch {
    // Not JSON (another stdout callback): quote it as it is.
  }
  const oneLine = text.replace(/\s*\n\s*/g, ' | ');
  return oneLine.length > MAX_MESSAGE ? `${oneLine.slice(0, MAX_MESSAGE - 3)}...` : oneLine;
}
