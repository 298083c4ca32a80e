import { sshUnsupported, winrmUnsupported } from '../../communicator/index.js';
import type { Unsupported } from '../../plugins/types.js';

const { ssh_keypair_name: _implementedHere, ...sshStillUnsupported } = sshUnsupported;

/** Packer openstack options bake recognises but does not implement. */
export const openstackUnsupported: Unsupported = {
  ...sshStillUnsupported,
  ...winrmUnsupported,
  external_source_image_url: { effect: 'error', why: 'importing an image from a URL is not supported; upload it to Glance and give source_image' },
  external_source_image_format: { effect: 'error', why: 'importing an image from a URL is not supported' },
  external_source_image_properties: { effect: 'error', why: 'importing an image from a URL is not supported' },
  network_discovery_cidrs: { effect: 'error', why: 'network discovery is not supported; list the networks in "networks"' },
  rackconnect_wait: { effect: 'warn', why: 'Rackspace RackConnect is not supported; the server is used as soon as it is ACTIVE' },
  openstack_provider: { effect: 'warn', why: 'unused, as in Packer' },
  use_floating_ip: { effect: 'warn', why: 'deprecated in Packer; a floating IP is used when floating_ip or floating_ip_network is set' },
  image_creation_wait: { effect: 'warn', why: 'bake waits for the image to become active without a fixed pause' },
};
