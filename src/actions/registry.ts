import type { ActionModule } from '../engine/types.js';
import { exec } from './exec.js';
import { sleep } from './sleep.js';
import { wait } from './wait.js';
import { exercise } from './exercise.js';
import { actions as nodeActions } from './node/index.js';
import { actions as etcdActions } from './etcd/index.js';
import { actions as k8sActions } from './k8s/index.js';
import { actions as sqlActions } from './sql/index.js';
import { actions as kubeadmActions } from './kubeadm/index.js';

/**
 * Every action, by name. Modules must not import heavy clients (etcd3, @kubernetes/client-node) at
 * top level: `kdrill validate` loads this registry and must stay fast.
 */
export const actions: Record<string, ActionModule> = Object.fromEntries(
  [exec, sleep, wait, exercise, ...nodeActions, ...etcdActions, ...k8sActions, ...sqlActions, ...kubeadmActions].map((a) => [a.name, a]),
);
