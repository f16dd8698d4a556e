import { z } from 'zod';
import type { ActionModule } from '../../engine/types.js';
import { nodeKill } from './kill.js';
import { nodeStart } from './start.js';
import { nodeParam } from './common.js';

/**
 * A power cut and its return, in a VM's words: on a kubeadm lab the host's power driver (vagrant
 * halt --force, virsh destroy, docker stop --time 0); on the etcd and kind labs a SIGKILL of the
 * node's container, which is the same to etcd: no clean shutdown, no leader hand-over.
 */
const off = z.strictObject({ node: nodeParam });

export const nodePoweroff: ActionModule<z.output<typeof off>> = {
  ...nodeKill,
  name: 'node.poweroff',
  summary: "cut a node's power (kubeadm: its power driver; etcd and kind labs: SIGKILL of its container)",
  params: off,
  leavesBehind: 'a powered-off node',
  fault: { undoneBy: ['node.poweron', 'node.start', 'etcd.member.replace', 'etcd.snapshot.restore'] },
  async run(ctx, p) {
    const r = await nodeKill.run(ctx, p);
    return r ? { ...r, output: r.output?.replace(/ killed$/, ' powered off') } : r;
  },
};

export const nodePoweron: ActionModule = {
  ...nodeStart,
  name: 'node.poweron',
  summary: 'restore the power of a node cut by node.poweroff, and wait until it answers (and its etcd member, with waitFor: member)',
};
