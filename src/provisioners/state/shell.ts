/** Quotes a value for a POSIX shell: single quotes, with embedded ones closed and escaped. */
export function shq(value: string | number): string {
  const s = String(value);
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A probe line: prints `key=<output of expr>`. Extra output lines become continuation lines that
 * parseProbe folds back into the value (with \x1f), so no process is spent on folding here.
 */
export function fact(key: string, expr: string): string {
  return `echo "${key}=$(${expr} 2>/dev/null)"`;
}

/** A probe line printing `key=0|1` for a shell test. */
export function flag(key: string, test: string): string {
  return `if ${test}; then echo ${key}=1; else echo ${key}=0; fi`;
}

/** The shell expression printing a file's sha256 (empty when absent). */
export function sha256Of(path: string): string {
  return `sha256sum ${shq(path)} 2>/dev/null | cut -c1-64`;
}
