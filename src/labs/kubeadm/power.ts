import { prettyCommand } from '../../exec/errors.js';
import type { Power } from './inventory-schema.js';
import { resolvePath, type InventoryHost } from './inventory.js';

export type PowerOp = 'off' | 'on';

/** One command of a power driver: argv (never a shell string), and the folder it runs in. */
export interface PowerCommand {
  argv: string[];
  /** Vagrant finds its machines from the Vagrantfile's folder; other presets run anywhere. */
  cwd?: string;
}

/**
 * The commands that cut a host's power and bring it back, one description for both the dry run and
 * the real run. `off` is abrupt on purpose, like pulling the plug: no guest shutdown, no grace period
 * (vagrant halt --force, multipass/lima stop --force, virsh destroy, docker stop --time 0).
 */
export function powerCommand(power: Power, op: PowerOp, host: string, inventoryDir: string): PowerCommand {
  switch (power.driver) {
    case 'vagrant': {
      const vm = power.vm ?? host;
      return { argv: op === 'off' ? ['vagrant', 'halt', '--force', vm] : ['vagrant', 'up', vm], cwd: resolvePath(power.dir ?? '.', inventoryDir) };
    }
    case 'multipass':
      return { argv: op === 'off' ? ['multipass', 'stop', '--force', power.vm ?? host] : ['multipass', 'start', power.vm ?? host] };
    case 'virsh': {
      const connect = power.connect ? ['--connect', power.connect] : [];
      return { argv: ['virsh', ...connect, op === 'off' ? 'destroy' : 'start', power.domain ?? host] };
    }
    case 'lima':
      return { argv: op === 'off' ? ['limactl', 'stop', '--force', power.vm ?? host] : ['limactl', 'start', power.vm ?? host] };
    case 'docker':
      return { argv: op === 'off' ? ['docker', 'stop', '--time', '0', power.container ?? host] : ['docker', 'start', power.container ?? host] };
    case 'custom':
      return { argv: [...(op === 'off' ? power.off : power.on)], ...(power.dir ? { cwd: resolvePath(power.dir, inventoryDir) } : {}) };
  }
}

/** The --dry-run line: what a user can paste into a shell, the folder first when there is one. */
export function powerPlan(host: InventoryHost, op: PowerOp, inventoryDir: string): string {
  if (!host.power) return `(host ${host.name} has no power driver)`;
  const { argv, cwd } = powerCommand(host.power, op, host.name, inventoryDir);
  return cwd ? `(cd ${prettyCommand([cwd])} && ${prettyCommand(argv)})` : prettyCommand(argv);
}
