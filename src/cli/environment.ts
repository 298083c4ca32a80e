/**
 * The environment variables bake reads, for `bake --help` (the README's "Using bake" lists the
 * same; test/cli/environment.test.ts checks both against the code).
 */
export const ENVIRONMENT_HELP = `
Environment:
  BAKE_CACHE_DIR            bake's cache: base images, downloads, journal, run records (default: $XDG_CACHE_HOME/bake or ~/.cache/bake)
  BAKE_JOURNAL              the resource journal \`bake cleanup\` reads (default: $BAKE_CACHE_DIR/journal.jsonl)
  BAKE_RUNS_DIR             where run records go (default: $BAKE_CACHE_DIR/runs)
  BAKE_KVM_DEVICE           the KVM device the qemu builder checks before choosing KVM over TCG (default: /dev/kvm)
  BAKE_DEBIAN_MIRROR        Debian mirror for building bake's base image (default: this host's apt sources)
  BAKE_BASE_DISK_MIB        size of bake's base image in MiB (default: 2048)
  BAKE_AWS_LOOPBACK_ONLY    1: refuse every AWS request to a host other than loopback (tests, emulators)
  BAKE_SIGN_KEY_PASSPHRASE  the passphrase of -sign-key's private key, when it has one
  BAKE_DEVICE_LOCK_DIR      amazon-chroot: where device letters are locked across builds (default: /run/lock/bake-amazon-chroot)
  PACKER_LOG                anything but "" or "0": debug logging, as -debug (as in Packer)
  PACKER_LOG_PATH           with PACKER_LOG: the debug log goes to this file instead, the console stays as it is
  PACKER_KEY_INTERVAL       qemu: the pause after each boot_command key (default: 100ms)
  NO_COLOR                  no colours
  AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID, …   the AWS SDK's standard settings and credential chain
  AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_AUTO_SCALING   AWS endpoints (emulators, VPC endpoints)
  OS_CLOUD, OS_AUTH_URL, OS_CLIENT_CONFIG_FILE, …   OpenStack, as the openstack CLI reads them
  SSH_AUTH_SOCK             the SSH agent, for ssh_agent_auth
  GITHUB_STEP_SUMMARY, GITHUB_ACTIONS   in GitHub Actions: a step summary and annotations
`;
