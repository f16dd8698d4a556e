import type { InvariantModule } from '../engine/types.js';
import { command } from './command.js';
import { httpGetCheck } from './http/get.js';
import { invariants as etcdInvariants } from './etcd/index.js';
import { invariants as k8sInvariants } from './k8s/index.js';
import { invariants as sqlInvariants } from './sql/index.js';
import { invariants as kubeadmInvariants } from './kubeadm/index.js';

/** Every invariant, by name. Same rule as actions: no heavy imports at top level. */
export const invariants: Record<string, InvariantModule> = Object.fromEntries(
  [command, httpGetCheck, ...etcdInvariants, ...k8sInvariants, ...sqlInvariants, ...kubeadmInvariants].map((i) => [i.name, i]),
);
