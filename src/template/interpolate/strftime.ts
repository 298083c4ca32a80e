import { goTimeFormat } from './go-time.js';

/** The C strftime directives Packer's `strftime` (jehiah/go-strftime) knows, as Go layouts; times are UTC. */
const DIRECTIVES: Record<string, string> = {
  a: 'Mon', A: 'Monday', b: 'Jan', B: 'January', c: 'Mon Jan _2 15:04:05 2006', d: '02', H: '15', I: '03',
  j: '002', m: '01', M: '04', p: 'PM', S: '05', y: '06', Y: '2006', Z: 'MST', z: '-0700',
  x: '01/02/06', X: '15:04:05', L: '.000',
};

export function strftime(t: Date, format: string): string {
  return format.replace(/%(.)/gs, (whole, d: string) => {
    if (d === '%') return '%';
    if (d === 'f') return String(t.getUTCMilliseconds() * 1000).padStart(6, '0');
    const layout = DIRECTIVES[d];
    return layout === undefined ? whole : goTimeFormat(t, layout).replace(/^\./, '');
  });
}
