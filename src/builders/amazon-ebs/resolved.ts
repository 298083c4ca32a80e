import type { SshConfigInput } from '../../communicator/ssh-config.js';
import type { AwsAccess, Polling } from '../../cloud/aws/index.js';

export interface BlockDevice {
  deviceName: string;
  deleteOnTermination?: boolean;
  encrypted?: boolean;
  iops?: number;
  throughput?: number;
  kmsKeyId?: string;
  noDevice?: boolean;
  snapshotId?: string;
  virtualName?: string;
  volumeType?: string;
  volumeSize?: number;
}

export interface Filter {
  filters: Record<string, string>;
}

/** The amazon-ebs config with defaults applied and durations in ms: all the steps ever see. */
export interface ResolvedEbs {
  /** "t.json: builders[0]", the prefix of config errors. */
  where: string;
  templateFile: string;
  templateDir: string;
  access: AwsAccess;
  region: string;
  sourceAmi?: string;
  sourceAmiFilter?: Filter & { owners: string[]; mostRecent: boolean; includeDeprecated: boolean };
  instanceTypes: string[];
  /** A one-time spot instance, "auto" or a maximum price; such an instance cannot be stopped. */
  spot?: { maxPrice?: string; tags: Record<string, string> };
  subnetId?: string;
  subnetFilter?: Filter & { mostFree: boolean; random: boolean };
  vpcId?: string;
  vpcFilter?: Filter;
  availabilityZone?: string;
  associatePublicIp?: boolean;
  securityGroupIds: string[];
  securityGroupFilter?: Filter;
  tempSgCidrs: string[];
  iamInstanceProfile?: string;
  userData?: string;
  /** Absolute path, read when the instance is launched. */
  userDataFile?: string;
  ebsOptimized: boolean;
  unlimitedCredits: boolean;
  shutdownBehavior: 'stop' | 'terminate';
  metadata: { httpEndpoint: 'enabled' | 'disabled'; httpTokens: 'required' | 'optional'; hopLimit: number; instanceMetadataTags: 'enabled' | 'disabled' };
  launchMappings: BlockDevice[];
  amiMappings: BlockDevice[];
  runTags: Record<string, string>;
  runVolumeTags: Record<string, string>;
  communicator: 'ssh' | 'none';
  sshInterface?: 'public_ip' | 'private_ip' | 'public_dns' | 'private_dns' | 'session_manager';
  sshHost?: string;
  sshPort: number;
  keyPairName?: string;
  tempKeyPairName?: string;
  /** Every ssh_* option, handed to the communicator as given. */
  ssh: SshConfigInput;
  disableStop: boolean;
  ami: {
    name: string;
    description?: string;
    virtualizationType?: string;
    regions: string[];
    regionKmsKeyIds: Record<string, string>;
    encryptBoot?: boolean;
    kmsKeyId?: string;
    users: string[];
    groups: string[];
    orgArns: string[];
    ouArns: string[];
    snapshotUsers: string[];
    snapshotGroups: string[];
    tags: Record<string, string>;
    snapshotTags: Record<string, string>;
    enaSupport?: boolean;
    sriovSupport?: boolean;
    forceDeregister: boolean;
    forceDeleteSnapshot: boolean;
    skipCreate: boolean;
  };
  instancePolling: Polling;
  imagePolling: Polling;
}

/**
 * What the AMI steps (source, name check, copy, share, tag) read: the part of the config amazon-ebs
 * shares with amazon-chroot, which makes its image from a volume instead of an instance.
 */
export type AmiBuildConfig = Pick<ResolvedEbs, 'where' | 'templateFile' | 'templateDir' | 'access' | 'region' | 'sourceAmi' | 'sourceAmiFilter' | 'ami' | 'instancePolling' | 'imagePolling'>;
