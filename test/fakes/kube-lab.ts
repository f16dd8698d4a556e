import { CommandRunner } from '../../src/exec/runner.js';
import { EventBus } from '../../src/engine/events.js';
import { createContext } from '../../src/engine/context.js';
import { kubeAccess } from '../../src/clients/kube/access.js';
import type { Lab, LabCapabilities, LabNode } from '../../src/labs/types.js';
import { nodesOfConfig, DEFAULT_ROLES } from '../../src/labs/kind/config.js';

/**
 * A lab whose only capability is the `kubernetes` one, pointed at the fake API server (test double):
 * the kind lab's node names, so node params (`notOn: control-plane3`) map as on kind.
 */
export function fakeKubeLab(kubeconfig: string, extra: Partial<LabCapabilities> = {}, cluster = 'bookstore-ha'): Lab {
  const nodes: LabNode[] = nodesOfConfig(cluster, [...DEFAULT_ROLES]);
  const runner = new CommandRunner();
  const access = kubeAccess(kubeconfig, 2_000);
  return {
    provider: 'fake', name: cluster, kubernetes: access, ...extra,
    env: { runner, signal: new AbortController().signal, log: () => {}, drillDir: process.cwd(), stateDir: '/tmp' },
    up: async () => ({ created: false }), down: async () => {},
    nodes: () => nodes, planUp: () => [], planDown: () => [],
  };
}

export function contextFor(lab: Lab) {
  const events = new EventBus();
  const ctx = createContext({ runner: new CommandRunner(), lab, events, signal: new AbortController().signal, runDir: '/tmp', drillDir: process.cwd() });
  return { ctx, events };
}
