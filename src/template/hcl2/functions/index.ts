import { didYouMean } from '../../load/did-you-mean.js';
import { HclError } from '../diagnostics.js';
import { evaluate } from '../evaluate.js';
import { FunctionError, type FunctionTable, type HclFunction } from '../function-types.js';
import { parseTemplateFile } from '../parse-template.js';
import { isObjectValue } from '../values.js';
import { str } from './args.js';
import { collectionFunctions } from './collections.js';
import { encodingFunctions } from './encoding.js';
import { fileFunctions, readTemplateFile } from './files.js';
import { stringFunctions } from './strings.js';
import { timeFunctions } from './time.js';

/** Every function in Packer's HCL2 table (Packer 1.9+); those bake lacks get a clear error, never a crash. */
const PACKER_FUNCTIONS = (
  'abs abspath alltrue anytrue aws_secretsmanager aws_secretsmanager_raw basename base64decode base64encode base64gzip bcrypt can ceil chomp chunklist ' +
  'cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat consul_key contains convert csvdecode dirname distinct element endswith ' +
  'env file filebase64 fileexists fileset flatten floor format formatdate formatlist indent index join jsondecode jsonencode keys legacy_isotime ' +
  'legacy_strftime length log lookup lower max md5 merge min parseint pathexpand pow range reverse replace regex regexall regex_replace rfc3339_parse ' +
  'rsadecrypt setintersection setproduct setunion sha1 sha256 sha512 signum slice sort split startswith strcontains strrev substr sum templatefile ' +
  'textdecodebase64 textencodebase64 timestamp timeadd title trim trimprefix trimspace trimsuffix try unix_timestamp_parse upper urlencode uuidv4 uuidv5 ' +
  'values vault yamldecode yamlencode zipmap'
).split(' ');

export interface FunctionOptions {
  /** The template's folder: file functions resolve relative paths against it. */
  baseDir: string;
  /** The run's start, for timestamp() and legacy_isotime(). */
  now: Date;
  /** env() is allowed only in variable defaults, as in Packer. */
  env?: NodeJS.ProcessEnv;
}

/** The function table of one evaluation context. */
export function functionTable(options: FunctionOptions): FunctionTable {
  const fns = new Map<string, HclFunction>(
    Object.entries({
      ...stringFunctions,
      ...collectionFunctions,
      ...encodingFunctions,
      ...timeFunctions(options.now),
      ...fileFunctions(options.baseDir),
    }),
  );
  if (options.env) {
    const env = options.env;
    fns.set('env', { arity: [1, 1], call: (a) => env[str(a, 0)] ?? '' });
  }
  const table: FunctionTable = {
    get: (name) => fns.get(name),
    missing(name, at) {
      if (name === 'env') return new HclError(at, 'env() is only allowed in the default of a variable block, as in Packer');
      if (PACKER_FUNCTIONS.includes(name)) return new HclError(at, `function ${name} is not supported by bake`);
      return new HclError(at, `there is no function named "${name}"${didYouMean(name, [...fns.keys(), 'try', 'can', 'convert', 'templatefile'])}`);
    },
  };
  fns.set('templatefile', {
    arity: [2, 2],
    call(a) {
      const path = str(a, 0);
      const vars = a[1];
      if (!isObjectValue(vars)) throw new FunctionError('argument 2 must be an object of the variables the template uses', 1);
      const text = readTemplateFile(options.baseDir, path);
      const expr = parseTemplateFile(path, text);
      // As in HCL, a template cannot call templatefile() itself.
      const inner: FunctionTable = {
        get: (name) => (name === 'templatefile' ? undefined : fns.get(name)),
        missing: (name, at) => (name === 'templatefile' ? new HclError(at, 'templatefile() cannot be called from inside a template file') : table.missing(name, at)),
      };
      return evaluate(expr, { variables: vars, functions: inner, templateFile: path });
    },
  });
  return table;
}
