import { isIP } from 'node:net';
import { z } from 'zod';
import { CONTROL, show } from '../../drill/words.js';

/**
 * The shape of a kubeadm inventory (clusters/kubeadm-*.yaml): the user's own hosts, kubespray's
 * groups, and kdrill's own short names for ansible's host fields (the README lists the pairs).
 * Every name here ends up in an argv (ssh, vagrant, docker): the patterns refuse what a command
 * could take for an option (a leading `-`) and what a shell would act on, though none is ever run
 * through a shell.
 */

/** A host name, which is also the drill's node name: an ssh alias or a VM name would fit too. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const NAME_WORDS = 'letters, digits, dots, dashes and underscores, starting with a letter or digit, at most 63';

export const hostName = z.string().regex(NAME, { message: `cannot be a host name: ${NAME_WORDS}` });
const vmName = (what: string) => z.string().regex(NAME, { message: `cannot be a ${what} name: ${NAME_WORDS}` });

/** A DNS name of labels, or an IPv4 / IPv6 address. */
const DNS = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const address = z.string().refine((v) => isIP(v) !== 0 || DNS.test(v), {
  message: 'must be an IP address or a DNS name (e.g. 192.168.56.11 or cp1.lab.example)',
});
const port = z.number().int().min(1).max(65535);
const user = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, { message: 'cannot be a user name: letters, digits, _ . -, starting with a letter or _' });
const path = z.string().min(1).refine((v) => !CONTROL.test(v), { message: 'must be a path without control characters' });

/** A command as its arguments: the program first. A shell string is refused, never split. */
const argv = z
  .array(z.string().refine((a) => !CONTROL.test(a), { message: 'must not hold control characters' }), {
    error: (iss) => (typeof iss.input === 'string' ? `must be a list of arguments, e.g. [virsh, destroy, cp1]: kdrill never runs a shell string, got ${show(iss.input)}` : undefined),
  })
  .min(1)
  .refine((a) => a.length === 0 || /^[A-Za-z0-9_./~]/.test(a[0]!), {
    error: (iss) => `must start with the program to run (a name or a path, not an option), got ${show((iss.input as string[])[0])}`,
  });

export const POWER_DRIVERS = ['vagrant', 'multipass', 'virsh', 'lima', 'docker', 'custom'] as const;

/** Without a name, each preset acts on the VM / domain / container named like the host. */
export const powerSchema = z.discriminatedUnion('driver', [
  z.strictObject({
    driver: z.literal('vagrant'),
    vm: vmName('Vagrant machine').optional().describe('The machine in the Vagrantfile (default: the host name)'),
    dir: path.optional().describe("The Vagrantfile's folder, relative to the inventory (default: the inventory's folder)"),
  }),
  z.strictObject({ driver: z.literal('multipass'), vm: vmName('multipass instance').optional() }),
  z.strictObject({ driver: z.literal('virsh'), domain: vmName('libvirt domain').optional(), connect: z.string().regex(/^[a-z+]+:\/\/[^\s]*$/, { message: 'must be a libvirt URI such as qemu:///system' }).optional() }),
  z.strictObject({ driver: z.literal('lima'), vm: vmName('Lima instance').optional() }),
  z.strictObject({ driver: z.literal('docker'), container: vmName('container').optional() }),
  z.strictObject({
    driver: z.literal('custom'),
    off: argv.describe('Cuts the power, e.g. [VBoxManage, controlvm, cp1, poweroff]'),
    on: argv.describe('Restores it, e.g. [VBoxManage, startvm, cp1, --type, headless]'),
    dir: path.optional().describe('The folder both run in, relative to the inventory'),
  }),
], {
  error: (iss) => {
    if (iss.code !== 'invalid_union') return undefined;
    const driver = (iss.input as { driver?: unknown } | null)?.driver;
    return driver === undefined ? `is required: one of ${POWER_DRIVERS.join(', ')}` : `must be one of ${POWER_DRIVERS.join(', ')}, got ${show(driver)}`;
  },
});

/** How to reach a host: kdrill's names, kubespray / ansible's in the comments. */
const reach = {
  /** ansible_host */
  address: address.optional(),
  /** ansible_port */
  port: port.optional(),
  /** ansible_user */
  user: user.optional(),
  /** ansible_ssh_private_key_file */
  key: path.optional(),
  /** A known_hosts file of the lab's own (ssh's UserKnownHostsFile), checked strictly; else the user's. */
  knownHosts: path.optional(),
};

export const hostSchema = z.strictObject({
  ...reach,
  /** A `Host` of the user's ~/.ssh/config: ssh takes address, port, user and key from there. */
  sshAlias: hostName.optional(),
  /** For transport: docker (docker exec): the container (a kind node: bookstore-ha-control-plane2). */
  container: vmName('container').optional(),
  power: powerSchema.optional(),
  /** PostgreSQL on this host (a worker running the app's database): psql over the host's shell. */
  postgres: z.strictObject({
    database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/, { message: 'must be a database name: letters, digits, _ $ -, starting with a letter or _' }),
    user: user.default('postgres').describe('The PostgreSQL role psql connects as (default postgres)'),
  }).optional(),
});

const members = z.array(hostName);

/** kubespray's groups; `load_balancer` is kdrill's (kubespray names the balancer in loadbalancer_apiserver). */
export const groupsSchema = z.strictObject({
  kube_control_plane: members.min(1),
  etcd: members.optional(),
  kube_node: members.optional(),
  load_balancer: members.optional(),
  bastion: members.max(1).optional(),
});

export const GROUPS = Object.keys(groupsSchema.shape) as Array<keyof z.output<typeof groupsSchema>>;

export const inventorySchema = z.strictObject({
  apiVersion: z.literal('kdrill/v1'),
  kind: z.literal('Inventory'),
  /** Port, user and key for every host that sets none of its own (kubespray: all.vars); each host names its address. */
  defaults: z.strictObject({ port: reach.port, user: reach.user, key: reach.key, knownHosts: reach.knownHosts }).optional(),
  hosts: z.record(hostName, hostSchema.nullable()).refine((h) => Object.keys(h).length > 0, { message: 'must not be empty' }),
  groups: groupsSchema,
  /** stacked: etcd on the control planes; external: etcd on hosts of its own. Derived from the groups when left out. */
  topology: z.enum(['stacked', 'external']).optional(),
  /** The Kubernetes API: a kubeconfig file, relative to the inventory. Left out: kubeadm's admin.conf read from the first control plane. */
  kubeconfig: path.optional(),
});

export type RawInventory = z.output<typeof inventorySchema>;
export type Power = z.output<typeof powerSchema>;

/** Keys that other tools use, with what kdrill calls them (an unknown key gets this as its hint). */
export const KUBESPRAY_NAMES: Record<string, string> = {
  ansible_host: 'address',
  ansible_port: 'port',
  ansible_user: 'user',
  ansible_ssh_private_key_file: 'key',
  ansible_ssh_user: 'user',
  'kube-master': 'kube_control_plane',
  kube_master: 'kube_control_plane',
  'kube-node': 'kube_node',
};

/** Groups kubespray has that kdrill derives or does not need. */
export const DERIVED_GROUPS: Record<string, string> = {
  k8s_cluster: 'kdrill derives it (kube_control_plane and kube_node): leave it out',
  'k8s-cluster': 'kdrill derives it (kube_control_plane and kube_node): leave it out',
  calico_rr: 'kdrill has no use for it: leave it out',
};
