import { amazonAmiDataSource } from './amazon-ami.js';
import { amazonParameterStoreDataSource } from './amazon-parameterstore.js';
import { amazonSecretsManagerDataSource } from './amazon-secretsmanager.js';
import { hostInfoDataSource } from './host-info.js';
import { httpDataSource } from './http.js';
import { nullDataSource } from './null.js';
import type { DataSourcePlugin } from './types.js';

export type { DataSourceContext, DataSourcePlugin } from './types.js';

/** Every data source an HCL2 template's `data "type" "name"` block may name. Cloud SDKs load only when one is read. */
export const dataSources: ReadonlyMap<string, DataSourcePlugin> = new Map(
  [nullDataSource, httpDataSource, hostInfoDataSource, amazonAmiDataSource, amazonParameterStoreDataSource, amazonSecretsManagerDataSource].map((d) => [d.type, d]),
);
