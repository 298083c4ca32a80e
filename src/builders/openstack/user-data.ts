import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { BakeError } from '../../core/errors.js';
import type { ResolvedOpenstack } from './resolved.js';

/** user_data or the contents of user_data_file (relative to the template), base64 as Nova wants it. */
export async function userDataBase64(config: ResolvedOpenstack): Promise<string | undefined> {
  if (config.userData !== undefined) return Buffer.from(config.userData).toString('base64');
  if (!config.userDataFile) return undefined;
  const path = isAbsolute(config.userDataFile) ? config.userDataFile : join(config.env.templateDir, config.userDataFile);
  try {
    return (await readFile(path)).toString('base64');
  } catch (err) {
    throw new BakeError(`${config.where}.user_data_file: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
