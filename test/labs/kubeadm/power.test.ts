import { describe, expect, it } from 'vitest';
import type { Power } from '../../../src/labs/kubeadm/inventory-schema.js';
import { powerCommand, powerPlan } from '../../../src/labs/kubeadm/power.js';

const INV = '/home/op/lab/clusters';

/** [preset, power as written, off, on, the folder both run in]. */
const table: Array<[string, Power, string[], string[], string | undefined]> = [
  ['vagrant', { driver: 'vagrant', vm: 'cp2', dir: '../vagrant' }, ['vagrant', 'halt', '--force', 'cp2'], ['vagrant', 'up', 'cp2'], '/home/op/lab/vagrant'],
  ['vagrant, defaults', { driver: 'vagrant' }, ['vagrant', 'halt', '--force', 'host1'], ['vagrant', 'up', 'host1'], INV],
  ['multipass', { driver: 'multipass', vm: 'k8s-cp2' }, ['multipass', 'stop', '--force', 'k8s-cp2'], ['multipass', 'start', 'k8s-cp2'], undefined],
  ['virsh', { driver: 'virsh', domain: 'cp2' }, ['virsh', 'destroy', 'cp2'], ['virsh', 'start', 'cp2'], undefined],
  ['virsh, a connection', { driver: 'virsh', connect: 'qemu:///system' }, ['virsh', '--connect', 'qemu:///system', 'destroy', 'host1'], ['virsh', '--connect', 'qemu:///system', 'start', 'host1'], undefined],
  ['lima', { driver: 'lima', vm: 'cp2' }, ['limactl', 'stop', '--force', 'cp2'], ['limactl', 'start', 'cp2'], undefined],
  ['docker', { driver: 'docker', container: 'kdrill-kubeadm-cp2' }, ['docker', 'stop', '--time', '0', 'kdrill-kubeadm-cp2'], ['docker', 'start', 'kdrill-kubeadm-cp2'], undefined],
  ['custom', { driver: 'custom', off: ['VBoxManage', 'controlvm', 'cp2', 'poweroff'], on: ['VBoxManage', 'startvm', 'cp2', '--type', 'headless'], dir: '/srv/vms' },
    ['VBoxManage', 'controlvm', 'cp2', 'poweroff'], ['VBoxManage', 'startvm', 'cp2', '--type', 'headless'], '/srv/vms'],
];

describe('power drivers as argv', () => {
  it.each(table)('%s', (_name, power, off, on, cwd) => {
    expect(powerCommand(power, 'off', 'host1', INV)).toEqual({ argv: off, ...(cwd ? { cwd } : {}) });
    expect(powerCommand(power, 'on', 'host1', INV)).toEqual({ argv: on, ...(cwd ? { cwd } : {}) });
  });

  it('a custom argv is handed over as it is, one argument each, never split or joined', () => {
    const power: Power = { driver: 'custom', off: ['/opt/pdu', 'off', 'outlet 3; reboot', '$(id)'], on: ['/opt/pdu', 'on', 'outlet 3'] };
    expect(powerCommand(power, 'off', 'cp1', INV).argv).toEqual(['/opt/pdu', 'off', 'outlet 3; reboot', '$(id)']);
  });
});

describe('--dry-run lines', () => {
  it('show the folder first for vagrant, and quote what a shell would act on', () => {
    expect(powerPlan({ name: 'cp2', roles: ['control-plane'], power: { driver: 'vagrant', dir: '../my vms' } }, 'off', INV))
      .toBe("(cd '/home/op/lab/my vms' && vagrant halt --force cp2)");
    expect(powerPlan({ name: 'cp2', roles: ['control-plane'], power: { driver: 'custom', off: ['/opt/pdu', 'off', 'outlet 3; reboot'], on: ['x'] } }, 'off', INV))
      .toBe("/opt/pdu off 'outlet 3; reboot'");
    expect(powerPlan({ name: 'cp1', roles: ['control-plane'], power: { driver: 'docker', container: 'kdrill-kubeadm-cp1' } }, 'on', INV)).toBe('docker start kdrill-kubeadm-cp1');
  });
});
