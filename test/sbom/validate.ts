import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { Ajv, type ValidateFunction } from 'ajv';

/** Validates against CycloneDX 1.6's JSON schema as the library ships it (strict: no unknown keys); null when valid. */
export async function validateCycloneDx(json: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
}

let spdx: ValidateFunction | undefined;

/** Validates against SPDX 2.3's JSON schema (test/fixtures/spdx); null when valid, else ajv's errors. */
export function validateSpdx(json: string): unknown {
  if (!spdx) {
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/spdx/spdx-2.3.schema.json', import.meta.url)), 'utf8'));
    spdx = new Ajv({ allErrors: true }).compile(schema);
  }
  return spdx(JSON.parse(json)) ? null : spdx.errors;
}
