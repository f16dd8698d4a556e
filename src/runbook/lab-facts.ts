import { prettyCommand, shellQuote } from '../exec/errors.js';
import { ETCD_CLIENT_PORT, ETCDCTL_TLS, MANIFESTS_DIR, PKI_DIR } from '../labs/kubeadm-layout.js';
import { EtcdLab } from '../labs/etcd/provider.js';
import { subnetCandidates } from '../labs/etcd/network.js';
import { clientPortCandidates } from '../labs/etcd/client-ports.js';
import { nodeIp } from '../labs/etcd/spec.js';
import { KubeadmLab } from '../labs/kubeadm/lab.js';
import type { Lab } from '../labs/types.js';

/**
 * What an operator needs to know about a lab to act on it by hand: where each node is and how to get
 * a shell on it, the etcd members (name, client and peer URL) and how to run etcdctl. For the etcd
 * lab these are the values kdrill gives it at lab up; for kind and kubeadm, which kdrill does not
 * configure, the command that reads them stands where a value is not known before the lab exists.
 */

export interface MemberFacts {
  node: string;
  /** Where it runs: the container or the inventory host. */
  where: string;
  /** etcd's --name. */
  name: string;
  clientUrl: string;
  peerUrl: string;
}

export interface LabFacts {
  provider: string;
  name: string;
  nodes: Array<{ node: string; where: string; role: string; login: string }>;
  members: MemberFacts[];
  /** Markdown-free lines of facts (each rendered as a list item). */
  facts: string[];
  /** Commands that show the facts that are only known once the lab runs. */
  discover: string[];
  /** The argv that runs `argv` on a node, from the operator's shell. */
  on(node: string, argv: readonly string[]): string[];
  /** etcdctl on `node` against the members (all, or one client URL). */
  etcdctl(node: string, args: readonly string[], endpoint?: string): string[];
  /** kubectl against the lab's API, where it has one. */
  kubectl?: (args: readonly string[]) => string[];
  /** How a full restore goes: containers of the etcd lab, or kubeadm's static Pods. */
  restore: 'containers' | 'static-pods';
  image?: string;
}

const inNodeTls = ETCDCTL_TLS;

/**
 * etcdctl's words: the command first (`etcdctl snapshot save …`, as people search for it), then the
 * connection flags, before a `--` that ends the flags (a key may start with -).
 */
function etcdctlWords(args: readonly string[], endpoint: string): string[] {
  const end = args.indexOf('--');
  const flags = [`--endpoints=${endpoint}`, ...inNodeTls];
  return end < 0 ? ['etcdctl', ...args, ...flags] : ['etcdctl', ...args.slice(0, end), ...flags, ...args.slice(end)];
}

export function labFacts(lab: Lab): LabFacts {
  if (lab instanceof EtcdLab) return etcdLabFacts(lab);
  if (lab instanceof KubeadmLab) return kubeadmFacts(lab);
  return staticPodFacts(lab);
}

function etcdLabFacts(lab: EtcdLab): LabFacts {
  // The lab's own subnet once it is up; before, the first one kdrill tries (the prerequisites say how to check).
  const subnet = lab.subnet ?? subnetCandidates(lab.name)[0]!;
  const ports = clientPortCandidates(lab.name, lab.spec.members)[0]!;
  const members = lab.controlPlanes().map((n, i) => {
    const ip = nodeIp(subnet, i);
    return { node: n.name, where: n.container, name: n.container, clientUrl: `https://${ip}:${ETCD_CLIENT_PORT}`, peerUrl: `https://${ip}:2380` };
  });
  const all = members.map((m) => m.clientUrl).join(',');
  return {
    provider: lab.provider,
    name: lab.name,
    nodes: lab.nodes().map((n) => ({ node: n.name, where: n.container, role: n.role, login: prettyCommand(['docker', 'exec', '-it', n.container, 'sh']) })),
    members,
    facts: [
      `docker network ${lab.network}, subnet ${subnet} (kdrill takes the next free /24 when another network holds this one: "docker network inspect ${lab.network}" shows the one it took)`,
      `each member's client port is also published on 127.0.0.1: ${members.map((m, i) => `${m.where} → 127.0.0.1:${ports[i]}`).join(', ')}`,
      `image ${lab.spec.image}; each member's config file /etc/kubernetes/etcd.yaml, data dir /var/lib/etcd`,
      `certificates in every node under ${PKI_DIR} (ca.crt, server.crt/key, peer.crt/key); kdrill keeps a copy of the PKI in ${lab.pkiDir}`,
    ],
    discover: [prettyCommand(['docker', 'network', 'inspect', lab.network, '--format', '{{range .IPAM.Config}}{{.Subnet}}{{end}}'])],
    on: (node, argv) => lab.shell.argv(node, argv),
    etcdctl: (node, args, endpoint) => lab.shell.argv(node, etcdctlWords(args, endpoint ?? all)),
    restore: 'containers',
    image: lab.spec.image,
  };
}

/** A shell variable's name for a host's value: CP1_NAME. */
export const hostVar = (node: string, what: string): string => `${node.toUpperCase().replace(/[^A-Z0-9]/g, '_').replace(/^(\d)/, '_$1')}_${what}`;

/**
 * kubeadm hosts: ssh logins from the inventory; each member's --name and peer URL are in its host's
 * etcd.yaml, read into shell variables (CP1_NAME, CP1_PEER) in the prerequisites.
 */
function kubeadmFacts(lab: KubeadmLab): LabFacts {
  const hosts = lab.inventory.hosts;
  const etcdHosts = lab.etcdHostList();
  // ssh's login from the inventory (ssh -p 2222 vagrant@127.0.0.1); docker exec on transport: docker.
  const shell = lab.shell as unknown as { login?(n: string): string[] };
  const login = (node: string) => prettyCommand(shell.login ? shell.login(node) : lab.shell.argv(node, ['sh']));
  // ssh hands the remote shell one string: a command with a word that needs quotes goes as one quoted word.
  const on = (node: string, argv: readonly string[]) =>
    shell.login && argv.some((w) => shellQuote(w) !== w) ? [...shell.login(node), '--', prettyCommand(argv)] : lab.shell.argv(node, argv);
  const read = (node: string, flag: string) => `$(${prettyCommand(on(node, ['sed', '-n', `s/^ *- --${flag}=//p`, `${MANIFESTS_DIR}/etcd.yaml`]))})`;
  return {
    provider: lab.provider,
    name: lab.name,
    nodes: hosts.map((h) => ({ node: h.name, where: h.address ?? h.sshAlias ?? h.container ?? h.name, role: h.roles.join(', '), login: login(h.name) })),
    members: etcdHosts.map((h) => ({ node: h.name, where: h.name, name: `$${hostVar(h.name, 'NAME')}`, clientUrl: `https://127.0.0.1:${ETCD_CLIENT_PORT}`, peerUrl: `$${hostVar(h.name, 'PEER')}` })),
    facts: [
      `inventory ${lab.inventory.file} (${lab.inventory.topology} etcd)`,
      `etcd runs as kubeadm's static Pod: ${MANIFESTS_DIR}/etcd.yaml on each etcd host, data dir /var/lib/etcd, certificates under ${PKI_DIR}`,
      'etcdctl runs on the etcd host against its own member (https://127.0.0.1:2379); where the host has none, the etcd image has one: put "crictl exec $(crictl ps --name etcd --state running -q)" before etcdctl',
      'each member\'s --name and peer URL are in its etcd.yaml: the lines below keep them in shell variables that the restore uses',
    ],
    discover: etcdHosts.flatMap((h) => [`${hostVar(h.name, 'NAME')}=${read(h.name, 'name')}`, `${hostVar(h.name, 'PEER')}=${read(h.name, 'initial-advertise-peer-urls')}`]),
    on,
    etcdctl: (node, args, endpoint) => on(node, etcdctlWords(args, endpoint ?? `https://127.0.0.1:${ETCD_CLIENT_PORT}`)),
    // The inventory's kubeconfig, else kubeadm's admin.conf on the first control plane.
    kubectl: (args) => (lab.inventory.kubeconfig ? ['kubectl', '--kubeconfig', lab.inventory.kubeconfig, ...args] : on(etcdHosts[0]?.name ?? hosts[0]!.name, ['kubectl', '--kubeconfig', '/etc/kubernetes/admin.conf', ...args])),
    restore: 'static-pods',
  };
}

/** kind (and any other lab whose nodes follow kubeadm's layout, reached by docker exec). */
function staticPodFacts(lab: Lab): LabFacts {
  const cps = lab.nodes().filter((n) => n.role === 'control-plane');
  const on = (node: string, argv: readonly string[]) => (lab.shell ? lab.shell.argv(node, argv) : ['docker', 'exec', lab.nodes().find((n) => n.name === node)?.container ?? node, ...argv]);
  // The kind node image has no etcdctl; the etcd container (distroless) has.
  const etcdctl = (node: string, args: readonly string[], endpoint?: string) =>
    on(node, ['sh', '-c', 'crictl exec "$(crictl ps --name etcd --state running -q)" "$@"', 'sh', ...etcdctlWords(args, endpoint ?? `https://127.0.0.1:${ETCD_CLIENT_PORT}`)]);
  return {
    provider: lab.provider,
    name: lab.name,
    nodes: lab.nodes().map((n) => ({ node: n.name, where: n.container, role: n.role, login: prettyCommand(['docker', 'exec', '-it', n.container, n.role === 'load-balancer' ? 'sh' : 'bash']) })),
    // A node's IP is docker's to give: read into a shell variable (CONTROL_PLANE2_IP) in the prerequisites.
    members: cps.map((n) => ({ node: n.name, where: n.container, name: n.container, clientUrl: `https://$${hostVar(n.name, 'IP')}:${ETCD_CLIENT_PORT}`, peerUrl: `https://$${hostVar(n.name, 'IP')}:2380` })),
    facts: [
      `etcd runs as kubeadm's static Pod in each control-plane node: ${MANIFESTS_DIR}/etcd.yaml, data dir /var/lib/etcd, certificates under ${PKI_DIR}`,
      'etcdctl runs in the etcd container of the node (crictl exec), against its own member (https://127.0.0.1:2379)',
    ],
    discover: cps.map((n) => `${hostVar(n.name, 'IP')}=$(${prettyCommand(['docker', 'inspect', '--format', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', n.container])})`),
    on,
    etcdctl,
    ...(lab.kubernetes ? { kubectl: (args: readonly string[]) => ['kubectl', '--context', `kind-${lab.name}`, ...args] } : {}),
    restore: 'static-pods',
  };
}
