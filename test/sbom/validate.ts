import { Spec, Validation } from '@cyclonedx/cyclonedx-library';

/** Validates against CycloneDX 1.6's JSON schema as the library ships it (strict: no unknown keys); null when valid. */
export async function validateCycloneDx(json: string): Promise<unknown> {
  return new Validation.JsonStrictValidator(Spec.Version.v1dot6).validate(json);
}
