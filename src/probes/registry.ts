import type { ProbeModule } from '../engine/types.js';
import { probes as etcdProbes } from './etcd/index.js';
import { probes as k8sProbes } from './k8s/index.js';

/** Continuous probes, by name: they sample during the whole drill. */
export const probes: Record<string, ProbeModule> = Object.fromEntries(
  [...etcdProbes, ...k8sProbes].map((p) => [p.name, p]),
);
