import { bool, oneOfStrings, str } from '../../plugins/schema-helpers.js';

/** Packer's openstack AccessConfig: how to reach and authenticate to the cloud. */
export const accessProperties = {
  identity_endpoint: str('Keystone URL (OS_AUTH_URL), with or without /v3.'),
  username: str('User name (OS_USERNAME).'),
  user_id: str('User id, instead of username (OS_USER_ID).'),
  password: str('Password (OS_PASSWORD).'),
  tenant_name: str('Project name to scope the token to (OS_PROJECT_NAME / OS_TENANT_NAME).'),
  tenant_id: str('Project id to scope the token to (OS_PROJECT_ID / OS_TENANT_ID).'),
  domain_name: str('Domain name of the user and of the project (OS_USER_DOMAIN_NAME, OS_PROJECT_DOMAIN_NAME); "Default" when none is given.'),
  domain_id: str('Domain id of the user and of the project (OS_USER_DOMAIN_ID, OS_PROJECT_DOMAIN_ID).'),
  application_credential_id: str('Application credential id (OS_APPLICATION_CREDENTIAL_ID).'),
  application_credential_name: str('Application credential name; needs username or user_id (OS_APPLICATION_CREDENTIAL_NAME).'),
  application_credential_secret: str('Application credential secret (OS_APPLICATION_CREDENTIAL_SECRET).'),
  token: str('An existing token to use instead of a password (OS_TOKEN).'),
  cloud: str('Entry of clouds.yaml to use (OS_CLOUD); looked up in ./, ~/.config/openstack/ and /etc/openstack/, with secure.yaml beside it.'),
  region: str('Region of the endpoints to use (OS_REGION_NAME).'),
  endpoint_type: oneOfStrings(
    ['public', 'internal', 'admin', 'publicURL', 'internalURL', 'adminURL'] as const,
    'Catalog interface of the endpoints (OS_INTERFACE); default public.',
  ),
  insecure: bool('Do not verify the TLS certificate of the API endpoints.'),
  cacert: str('PEM file of CA certificates to verify the API endpoints with (OS_CACERT).'),
  cert: str('PEM client certificate for mutual TLS (OS_CERT).'),
  key: str('PEM private key of the client certificate (OS_KEY).'),
} as const;

export const accessSensitive = ['password', 'token', 'application_credential_secret'];
