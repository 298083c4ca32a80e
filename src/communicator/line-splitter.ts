import { StringDecoder } from 'node:string_decoder';

/**
 * Turns a byte stream into lines (without "\n" or "\r\n"), keeping multi-byte characters whole
 * across chunk boundaries; flush() emits a last line that had no newline.
 */
export class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  flush(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest) this.onLine(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  }
}

/** Keeps the last `size` lines, for error messages. */
export class Tail {
  private lines: string[] = [];
  constructor(private readonly size = 10) {}

  add(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  get(): string[] {
    return [...this.lines];
  }
}
