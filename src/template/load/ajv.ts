import { Ajv, type ValidateFunction } from 'ajv';
import ajvErrorsModule from 'ajv-errors';

// ajv-errors is CommonJS: under NodeNext the default import is the module object at type level.
const ajvErrors = ((ajvErrorsModule as unknown as { default?: unknown }).default ?? ajvErrorsModule) as (ajv: Ajv) => Ajv;

/**
 * One ajv for every template check. Options as Packer decodes: values are coerced after
 * interpolation ("22" → 22, "true" → true), defaults filled in, and every error reported at once.
 * Plugin schemas are checked against the meta-schema by a test, not on every start (it is slow).
 */
const ajv = ajvErrors(
  new Ajv({
    allErrors: true,
    // 'array': a single value where a list is expected becomes a list of one, as Packer's weak decoding does.
    coerceTypes: 'array',
    useDefaults: true,
    strict: false,
    allowUnionTypes: true,
    // parentSchema in errors, for did-you-mean suggestions.
    verbose: true,
    validateSchema: false,
  }),
);

const compiled = new WeakMap<object, ValidateFunction>();

export function validatorFor(schema: object): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}
