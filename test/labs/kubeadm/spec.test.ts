import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { modules } from '../../../src/cli/modules.js';
import { parseDrill } from '../../../src/drill/loader.js';
import { InvalidDrillError } from '../../../src/engine/errors.js';
import {
  capabilities, etcdMembers, kubeadmSpecSchema, kubeadmValidation, lacks, nodeNames, powerLacks, specProblems,
} from '../../../src/labs/kubeadm/spec.js';

const CLUSTERS = path.resolve(__dirname, '../../../clusters');
const dir = mkdtempSync(path.join(tmpdir(), 'kdrill-kspec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const ctx = { drillDir: dir };
const spec = (inventory: string, more: object = {}) => kubeadmSpecSchema.parse({ provider: 'kubeadm', inventory, ...more });
const write = (name: string, text: string) => {
  writeFileSync(path.join(dir, name), `apiVersion: kdrill/v1\nkind: Inventory\n${text}`);
  return name;
};

const partly = write('partly.yaml', 'hosts:\n  cp1: {address: a.lab, power: {driver: multipass}}\n  cp2: {address: b.lab}\ngroups:\n  kube_control_plane: [cp1, cp2]\n');
const none = write('none.yaml', 'hosts:\n  cp1: {address: a.lab}\n  w1: {address: w.lab}\ngroups:\n  kube_control_plane: [cp1]\n  kube_node: [w1]\n');
const external = write('ext.yaml', 'hosts:\n  cp1: {address: a.lab}\n  e1: {address: e1.lab}\n  e2: {address: e2.lab}\n  e3: {address: e3.lab}\ngroups:\n  kube_control_plane: [cp1]\n  etcd: [e1, e2, e3]\n');
const vagrant = path.join(CLUSTERS, 'kubeadm-vagrant.yaml');

describe('the kubeadm lab spec, before the lab exists', () => {
  it('drill node names are the inventory host names, the bastion left out', () => {
    expect(nodeNames(spec(vagrant), ctx)).toEqual(['cp1', 'cp2', 'cp3', 'worker1', 'lb']);
    expect(nodeNames(spec('missing.yaml'), ctx)).toEqual([]);
  });

  it('counts etcd members: the control planes when stacked, the etcd hosts when external', () => {
    expect(etcdMembers(spec(vagrant), ctx)).toBe(3);
    expect(etcdMembers(spec(external), ctx)).toBe(3);
    expect(etcdMembers(spec(partly), ctx)).toBe(2);
  });

  it('offers node operations only where some host has a power driver', () => {
    expect(capabilities(spec(partly), ctx)).toContain('nodeOps');
    expect(capabilities(spec(none), ctx)).not.toContain('nodeOps');
    expect(lacks(spec(none), 'nodeOps', ctx)).toBe(`no host in ${path.join(dir, 'none.yaml')} has a power driver: add {driver: vagrant, vm: cp1} to cp1 (and the others)`);
    expect(capabilities(spec(none), ctx)).not.toContain('sql');
    expect(lacks(spec(none), 'sql', ctx)).toBe('no host in none.yaml runs PostgreSQL: add `postgres: {database: bookstore}` to the worker that does');
  });

  it('says which host lacks a power driver, in the style of the others', () => {
    expect(powerLacks(spec(partly), 'cp2', ctx)).toBe(`host cp2 has no power driver: add \`power: {driver: multipass, vm: cp2}\` to it in ${path.join(dir, 'partly.yaml')}`);
    expect(powerLacks(spec(partly), 'cp1', ctx)).toBeUndefined();
  });

  it('ssh needs an address or alias, and docker exec has no use for a bastion', () => {
    const mixed = write('mixed.yaml', 'hosts:\n  cp1: {container: kind-control-plane}\n  jump: {address: j.lab}\ngroups:\n  kube_control_plane: [cp1]\n  bastion: [jump]\n');
    const at = path.join(dir, 'mixed.yaml');
    expect(specProblems(spec(mixed), ctx).map((p) => p.message)).toEqual([
      `${at}:4:3: hosts.cp1: host "cp1" has no address: give address (kubespray's ansible_host) or sshAlias (a Host in your ~/.ssh/config); container is for transport: docker`,
    ]);
    expect(specProblems(spec(mixed, { transport: 'docker' }), ctx).map((p) => p.message)).toEqual([
      `${at}:5:3: hosts.jump: the bastion "jump" is not used with transport: docker (docker exec needs no jump host): leave the bastion group out`,
    ]);
  });

  it('absolutePaths: the inventory as the lab finds it from the drill\'s folder (a campaign round written elsewhere replays)', () => {
    expect(kubeadmValidation.absolutePaths(spec(partly), dir)).toEqual(spec(path.join(dir, 'partly.yaml')));
    expect(kubeadmValidation.absolutePaths(spec(vagrant), '/elsewhere').inventory).toBe(vagrant);
    // Not there: where it was looked for first, so that the replay names it.
    expect(kubeadmValidation.absolutePaths(spec('gone.yaml'), dir).inventory).toBe(path.join(dir, 'gone.yaml'));
  });

  it('names a missing inventory, and checks hosts against the transport', () => {
    expect(specProblems(spec('nope.yaml'), ctx)).toEqual([{ key: 'inventory', message: `inventory not found: ${path.join(dir, 'nope.yaml')} (a relative path is taken from the drill's folder)` }]);
    expect(specProblems(spec(partly, { transport: 'docker' }), ctx).map((p) => p.message)).toEqual([
      `${path.join(dir, 'partly.yaml')}:4:3: hosts.cp1: host "cp1" has no container: transport: docker runs commands with docker exec in the container named by container (a kind node: <cluster>-control-plane2)`,
      `${path.join(dir, 'partly.yaml')}:5:3: hosts.cp2: host "cp2" has no container: transport: docker runs commands with docker exec in the container named by container (a kind node: <cluster>-control-plane2)`,
    ]);
  });
});

describe('validate, with the registered kubeadm provider', () => {
  const withKubeadm = modules;
  const drill = (inventory: string, node: string, fault = 'node.kill', back = 'node.start') => `apiVersion: kdrill/v1
kind: Drill
metadata: {name: k}
lab: {provider: kubeadm, inventory: ${inventory}}
steps:
  - {name: cut, action: ${fault}, with: {node: ${node}}}
restore:
  - {name: back, action: ${back}, with: {node: ${node}}}
`;
  const problems = (text: string) => {
    try {
      parseDrill(text, path.join(dir, 'd.yaml'), { modules: withKubeadm });
      return [];
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      return err.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    }
  };

  it('an unknown node lists the inventory hosts', () => {
    expect(problems(drill(partly, "cp9"))).toContain('6:49: steps[0].with.node: unknown node "cp9" (nodes: cp1, cp2; or leader, follower)');
  });

  it('a node operation on an inventory without power drivers says how to add one', () => {
    expect(problems(drill(none, 'cp1'))[0]).toBe(`6:17: steps[0].action: node.kill needs node operations (stop, kill, pause, partition): no host in ${path.join(dir, 'none.yaml')} has a power driver: add {driver: vagrant, vm: cp1} to cp1 (and the others)`);
  });

  it('a power cut on one host without a power driver names that host and the fix', () => {
    writeFileSync(path.join(dir, 'some.yaml'), 'apiVersion: kdrill/v1\nkind: Inventory\nhosts:\n  cp1: {address: a.lab, power: {driver: virsh}}\n  cp2: {address: b.lab}\ngroups:\n  kube_control_plane: [cp1, cp2]\n');
    expect(problems(drill('some.yaml', 'cp1', 'node.poweroff', 'node.poweron'))).toEqual([]);
    expect(problems(drill('some.yaml', 'cp2', 'node.poweroff', 'node.poweron'))).toEqual([
      `6:53: steps[0].with.node: host cp2 has no power driver: add \`power: {driver: virsh, domain: cp2}\` to it in ${path.join(dir, 'some.yaml')}`,
      `8:53: restore[0].with.node: host cp2 has no power driver: add \`power: {driver: virsh, domain: cp2}\` to it in ${path.join(dir, 'some.yaml')}`,
    ]);
  });

  it('a container fault a VM cannot take (pause, partition) is refused before anything runs', () => {
    writeFileSync(path.join(dir, 'some.yaml'), 'apiVersion: kdrill/v1\nkind: Inventory\nhosts:\n  cp1: {address: a.lab, power: {driver: virsh}}\ngroups:\n  kube_control_plane: [cp1]\n');
    expect(problems(drill('some.yaml', 'cp1', 'node.pause', 'node.unpause'))).toEqual([
      "6:17: steps[0].action: node.pause: a kubeadm lab's hosts have a power driver only (node.poweroff / node.poweron): node.pause is a fault of the etcd and kind labs' containers",
      "8:18: restore[0].action: node.unpause: a kubeadm lab's hosts have a power driver only (node.poweroff / node.poweron): node.unpause is a fault of the etcd and kind labs' containers",
    ]);
  });

  it('an inventory problem is the drill\'s, with the inventory\'s own file:line:col', () => {
    writeFileSync(path.join(dir, 'bad.yaml'), 'apiVersion: kdrill/v1\nkind: Inventory\nhosts:\n  cp1: {address: a.lab, port: 0}\ngroups:\n  kube_control_plane: [cp1]\n');
    // Only the inventory's problem: no second one about node operations it cannot tell.
    expect(problems(drill('bad.yaml', 'cp1'))).toEqual([`4:37: lab.inventory: ${path.join(dir, 'bad.yaml')}:4:31: hosts.cp1.port must be at least 1, got 0`]);
  });
});
