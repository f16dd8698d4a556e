import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseInventory, readInventory } from '../../../src/labs/kubeadm/inventory.js';

const CLUSTERS = path.resolve(__dirname, '../../../clusters');
const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-inv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'inv.yaml');
writeFileSync(path.join(dir, 'id_cp1'), 'not a real key\n');

/** A good inventory; each case changes a few lines of it. */
const HEAD = 'apiVersion: kdrill/v1\nkind: Inventory\n';
const good = `${HEAD}hosts:
  cp1: {address: 10.0.0.11, key: id_cp1, power: {driver: multipass}}
  cp2: {address: 10.0.0.12}
  w1: {address: 10.0.0.21}
groups:
  kube_control_plane: [cp1, cp2]
  kube_node: [w1]
`;

const parse = (text: string) => parseInventory(text, file, { checkFiles: true });
const lines = (text: string) => parse(text).problems.map((p) => `${p.line}:${p.col}: ${p.message}`);

describe('the example inventories', () => {
  it.each(['kubeadm-vagrant.yaml', 'kubeadm-multipass.yaml', 'kubeadm-test-hosts.yaml'])('%s parses', (name) => {
    const { inventory, problems } = readInventory(path.join(CLUSTERS, name));
    expect(problems).toEqual([]);
    expect(inventory!.topology).toBe('stacked');
    expect(inventory!.hosts.filter((h) => h.roles[0] === 'control-plane').map((h) => h.name)).toEqual(['cp1', 'cp2', 'cp3']);
    expect(inventory!.hosts.every((h) => h.power !== undefined)).toBe(true);
  });

  it('the Vagrant example says where a missing key comes from', () => {
    const { problems } = readInventory(path.join(CLUSTERS, 'kubeadm-vagrant.yaml'), { checkFiles: true });
    expect(problems[0]).toMatchObject({ line: 17, col: 10 });
    expect(problems[0]!.message).toMatch(/^hosts\.cp1\.key: key file not found: .*vagrant\/\.vagrant\/machines\/cp1\/virtualbox\/private_key .*vagrant up creates it/);
  });

  it('a good inventory resolves roles, defaults and the key path', () => {
    const inv = parse(`${HEAD}defaults: {user: ubuntu, port: 2022}\n${good.slice(HEAD.length)}  etcd: [cp1, cp2]\n  load_balancer: [w1]\n`).inventory!;
    expect(inv.hosts.map((h) => [h.name, h.roles.join('+'), h.user, h.port])).toEqual([
      ['cp1', 'control-plane+etcd', 'ubuntu', 2022], ['cp2', 'control-plane+etcd', 'ubuntu', 2022], ['w1', 'worker+load-balancer', 'ubuntu', 2022],
    ]);
    expect(inv.hosts[0]!.key).toBe(path.join(dir, 'id_cp1'));
  });

  it('knownHosts: a lab\'s own known_hosts, from defaults or per host, resolved like the key', () => {
    const inv = parse(`${HEAD}defaults: {knownHosts: lab/known_hosts}\nhosts:
  cp1: {address: 10.0.0.11}
  cp2: {address: 10.0.0.12, knownHosts: ~/.ssh/cp2_known_hosts}
  cp3: {sshAlias: cp3}
groups:
  kube_control_plane: [cp1, cp2, cp3]
`).inventory!;
    expect(inv.hosts.map((h) => h.knownHosts)).toEqual([path.join(dir, 'lab/known_hosts'), path.join(homedir(), '.ssh/cp2_known_hosts'), undefined]);
    expect(lines(swap('cp2: {address: 10.0.0.12}', 'cp2: {address: 10.0.0.12, knownHosts: ""}'))).toEqual(['5:41: hosts.cp2.knownHosts must not be empty']);
  });

  it('external etcd is derived from an etcd group of other hosts', () => {
    const inv = parse(`${HEAD}hosts:\n  cp1: {address: a.lab}\n  e1: {address: e1.lab}\ngroups:\n  kube_control_plane: [cp1]\n  etcd: [e1]\n`).inventory!;
    expect(inv.topology).toBe('external');
    expect(inv.hosts[1]!.roles).toEqual(['etcd']);
  });
});

const swap = (from: string, to: string) => {
  if (!good.includes(from)) throw new Error(`the good inventory has no ${from}`);
  return good.replace(from, to);
};

/** [case, inventory text, the one problem expected: line:col: message (a prefix, or a regex)]. */
const wrong: Array<[string, string, string | RegExp]> = [
  ['missing address', swap('cp2: {address: 10.0.0.12}', 'cp2: {port: 22}'),
    '5:3: hosts.cp2: host "cp2" has no address: give address (kubespray\'s ansible_host), sshAlias (a Host in your ~/.ssh/config) or, for transport: docker, container'],
  ['port out of range', swap('cp2: {address: 10.0.0.12}', 'cp2: {address: 10.0.0.12, port: 70000}'), '5:35: hosts.cp2.port must be at most 65535, got 70000'],
  ['port as text', swap('cp2: {address: 10.0.0.12}', 'cp2: {address: 10.0.0.12, port: "22"}'), '5:35: hosts.cp2.port must be a number, got "22" (a number is written without quotes)'],
  ['unknown group', swap('  kube_node: [w1]', '  workers: [w1]'), /^9:3: groups: unknown group "workers" \(known: kube_control_plane, etcd, kube_node, load_balancer, bastion\)/],
  ["kubespray's old group name", swap('  kube_node: [w1]', '  kube-node: [w1]'), '9:3: groups: "kube-node" is kubespray\'s name: kdrill calls it kube_node'],
  ["kubespray's derived group", swap('  kube_node: [w1]', '  kube_node: [w1]\n  k8s_cluster: [cp1, w1]'), '10:3: groups: kubespray\'s group "k8s_cluster": kdrill derives it'],
  ['an ansible host field', swap('cp2: {address: 10.0.0.12}', 'cp2: {ansible_host: 10.0.0.12}'), '5:9: hosts.cp2: "ansible_host" is kubespray\'s name: kdrill calls it address'],
  ['a host in no group', swap('  kube_node: [w1]', '  kube_node: []'), '6:3: hosts.w1: host "w1" is in no group: list it under one of kube_control_plane, etcd, kube_node, load_balancer, bastion'],
  ['a group naming an unknown host', swap('[cp1, cp2]', '[cp1, cp3]'), '8:29: groups.kube_control_plane[1]: unknown host "cp3"; did you mean "cp1"?'],
  ['unknown power preset', swap('{driver: multipass}', '{driver: vbox}'), '4:58: hosts.cp1.power.driver must be one of vagrant, multipass, virsh, lima, docker, custom, got "vbox"'],
  ['custom power argv as a string', swap('{driver: multipass}', '{driver: custom, off: "virsh destroy cp1", on: [virsh, start, cp1]}'),
    '4:71: hosts.cp1.power.off must be a list of arguments, e.g. [virsh, destroy, cp1]: kdrill never runs a shell string, got "virsh destroy cp1"'],
  ['custom power argv starting with an option', swap('{driver: multipass}', '{driver: custom, off: [--force], on: [virsh, start, cp1]}'),
    '4:71: hosts.cp1.power.off must start with the program to run (a name or a path, not an option), got "--force"'],
  ['a key that does not exist', swap('key: id_cp1', 'key: keys/id_nope'), `4:34: hosts.cp1.key: key file not found: ${path.join(dir, 'keys/id_nope')} (a relative path is taken from the inventory's folder)`],
  ['stacked topology with a different etcd group', swap('  kube_node: [w1]', '  kube_node: [w1]\n  etcd: [cp1, w1]'),
    /^10:9: groups\.etcd: shares some hosts with kube_control_plane but not all/],
  ['topology: stacked with etcd on other hosts', `${swap('  kube_node: [w1]', '  etcd: [w1]')}topology: stacked\n`, /^9:9: groups\.etcd: differs from kube_control_plane \(cp1, cp2\): with stacked etcd/],
  ['duplicate host names', swap('  w1: {address: 10.0.0.21}', '  w1: {address: 10.0.0.21}\n  cp2: {address: 10.0.0.13}'), '7:3: YAML: the key "cp2" appears twice in the same mapping (each key once; the later one would replace the first)'],
  ['a host listed twice in a group', swap('[cp1, cp2]', '[cp1, cp2, cp1]'), '8:34: groups.kube_control_plane[2]: host "cp1" is listed twice in kube_control_plane'],
  ['a bastion missing its address', swap('  kube_node: [w1]', '  kube_node: [w1]\n  bastion: [jump]').replace('  w1:', '  jump: {user: ops}\n  w1:'),
    '6:3: hosts.jump: the bastion "jump" has no address'],
  ['two bastions', swap('  kube_node: [w1]', '  kube_node: [w1]\n  bastion: [cp1, cp2]'), /^10:12: groups\.bastion must have at most 1 item/],
  ['a bastion that is also a node', swap('  kube_node: [w1]', '  kube_node: [w1]\n  bastion: [w1]'), '6:3: hosts.w1: host "w1" is the bastion: it cannot also be in worker'],
  ['a host name with $(…)', swap('  w1: {address: 10.0.0.21}', '  w1: {address: 10.0.0.21}\n  "$(reboot)": {address: 10.0.0.22}'), /^7:3: hosts\.\$\(reboot\) cannot be a host name: letters, digits/],
  ['a host name with ;', swap('  w1: {address: 10.0.0.21}', '  w1: {address: 10.0.0.21}\n  "a;b": {address: 10.0.0.22}'), /^7:3: hosts\.a;b cannot be a host name/],
  // Only the leading dash is wrong in these two: ssh would take -cp4 for an option.
  ['a host name with a leading -', swap('  w1: {address: 10.0.0.21}', '  w1: {address: 10.0.0.21}\n  -cp4: {address: 10.0.0.22}'), /^7:3: hosts\.-cp4 cannot be a host name/],
  ['a host name with =', swap('  w1: {address: 10.0.0.21}', '  w1: {address: 10.0.0.21}\n  oProxyCommand=x: {address: 10.0.0.22}'), /^7:3: hosts\.oProxyCommand=x cannot be a host name/],
  ['an ssh alias with a leading -', swap('cp2: {address: 10.0.0.12}', 'cp2: {sshAlias: -cp2}'), /^5:19: hosts\.cp2\.sshAlias cannot be a host name/],
  ['an address with a space', swap('10.0.0.12', '"10.0.0.12 -p 1"'), /^5:18: hosts\.cp2\.address must be an IP address or a DNS name/],
  ['a user with a newline', swap('cp2: {address: 10.0.0.12}', 'cp2: {address: 10.0.0.12, user: "root\\nx"}'), /^5:35: hosts\.cp2\.user cannot be a user name/],
  ['a power vm with a leading -', swap('{driver: multipass}', '{driver: vagrant, vm: --provision}'), /^4:71: hosts\.cp1\.power\.vm cannot be a Vagrant machine name/],
  ['a host named like a node selector', swap('  w1: {address: 10.0.0.21}', '  leader: {address: 10.0.0.21}').replace('[w1]', '[leader]'), '6:3: hosts.leader: "leader" cannot be a host name: drills use it to pick a node by its etcd role'],
  ['address and sshAlias both', swap('cp2: {address: 10.0.0.12}', 'cp2: {address: 10.0.0.12, sshAlias: cp2}'), '5:39: hosts.cp2.sshAlias: give address or sshAlias, not both'],
  ['no control plane', swap('  kube_control_plane: [cp1, cp2]', '  kube_control_plane: []\n  etcd: [cp1, cp2]'), /^8:23: groups\.kube_control_plane must not be empty/],
  ['another kind of file', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n', /^1:7: kind must be Inventory, got "Cluster"/],
  ['an empty file', '# nothing\n', '1:1: the file is empty (nothing but comments or blank lines): a kdrill inventory starts with apiVersion: kdrill/v1 and kind: Inventory'],
];

describe('a wrong inventory is refused at its place, in the operator\'s words', () => {
  it.each(wrong)('%s', (_name, text, expected) => {
    const got = lines(text);
    const first = got.find((l) => (typeof expected === 'string' ? l.startsWith(expected) : expected.test(l)));
    expect(first, `problems: ${got.join(' | ')}`).toBeDefined();
    // A missing key file leaves a whole inventory (its host names still name the drill's nodes).
    if (!/key file not found/.test(String(expected))) expect(parse(text).inventory).toBeUndefined();
  });

  it('every problem at once, not the first one only', () => {
    const text = swap('cp2: {address: 10.0.0.12}', 'cp2: {port: 22}').replace('[w1]', '[w1, w9]');
    expect(lines(text)).toHaveLength(2);
  });
});
