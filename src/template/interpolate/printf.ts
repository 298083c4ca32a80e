import { TemplateSyntaxError } from './template-error.js';

/** Go's fmt.Sprint: operands joined, with a space between two operands when neither is a string. */
export function goSprint(args: unknown[]): string {
  let out = '';
  args.forEach((arg, i) => {
    if (i > 0 && typeof arg !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += String(arg);
  });
  return out;
}

/** Go's fmt.Sprintf for the verbs templates use: %s %v %d %q %t %%, with Go's report of a missing operand. */
export function goSprintf(format: string, args: unknown[]): string {
  let next = 0;
  const out = format.replace(/%([-+ 0#]*\d*)([a-zA-Z%])/g, (whole, flags: string, verb: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) return `%!${verb}(MISSING)`;
    const arg = args[next++];
    let text: string;
    switch (verb) {
      case 's': case 'v': case 't': text = String(arg); break;
      case 'd':
        if (typeof arg !== 'number') return `%!d(${typeof arg}=${String(arg)})`;
        text = String(Math.trunc(arg));
        break;
      case 'q': text = JSON.stringify(String(arg)); break;
      default: throw new TemplateSyntaxError(`printf: verb "${whole}" is not supported (use %s, %v, %d, %q or %t)`);
    }
    const width = Number(flags.replace(/\D/g, '') || 0);
    return flags.includes('-') ? text.padEnd(width) : text.padStart(width, flags.startsWith('0') && verb === 'd' ? '0' : ' ');
  });
  return next < args.length ? `${out}%!(EXTRA ${args.slice(next).map(String).join(', ')})` : out;
}
