export { accessDetails, type AwsAccess, Ec2Clients, RegionalClients, type SdkClientConfig, endpointFor } from './client.js';
export { awsCode, awsError, isNotFound, isThrottle } from './errors.js';
export { type AwsResource, findTagged } from './find-tagged.js';
export { cleanupAwsLeftovers, type CleanupOptions, type CleanupReport } from './leftovers.js';
export { isLoopbackHost } from './loopback-guard.js';
export { deleteKeyPair, deleteSecurityGroup, deleteSnapshot, deregisterImage, terminateInstance } from './resources.js';
export { send, type SendOptions } from './send.js';
export { BUILD_ID_TAG, BUILD_TAG, TEMPLATE_TAG, bakeTags, fromTags, tagSpecifications, toTags } from './tags.js';
export { type Polling, type WaitContext, waitImageAvailable, waitInstanceState, waitTerminated } from './waits.js';
