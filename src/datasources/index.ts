import { nullDataSource } from './null/index.js';
import type { DataSourcePlugin } from './types.js';

export type * from './types.js';

/** Every data source bake has, by type. */
export const dataSources: ReadonlyMap<string, DataSourcePlugin> = new Map([nullDataSource].map((d) => [d.type, d]));
