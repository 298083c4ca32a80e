import { createHash, randomUUID } from 'node:crypto';
import { FunctionError, type HclFunction } from '../function-types.js';
import { numberText } from '../values.js';
import { str } from './args.js';

const hash = (algorithm: string): HclFunction => ({ arity: [1, 1], call: (a) => createHash(algorithm).update(str(a, 0)).digest('hex') });

/** jsonencode: numbers as cty writes them (no ".0" on integers, as JSON.stringify already does). */
function jsonEncode(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? numberText(value) : value));
}

export const encodingFunctions: Record<string, HclFunction> = {
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  md5: hash('md5'),
  base64encode: { arity: [1, 1], call: (a) => Buffer.from(str(a, 0), 'utf8').toString('base64') },
  base64decode: {
    arity: [1, 1],
    call: (a) => {
      const s = str(a, 0);
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw new FunctionError('not valid base64', 0);
      return Buffer.from(s, 'base64').toString('utf8');
    },
  },
  urlencode: { arity: [1, 1], call: (a) => encodeURIComponent(str(a, 0)) },
  jsonencode: { arity: [1, 1], call: (a) => jsonEncode(a[0]) },
  jsondecode: {
    arity: [1, 1],
    call: (a) => {
      try {
        return JSON.parse(str(a, 0)) as unknown;
      } catch (err) {
        throw new FunctionError(`not valid JSON: ${(err as Error).message}`, 0);
      }
    },
  },
  uuidv4: { arity: [0, 0], call: () => randomUUID() },
};

