import { NODE_SELECTORS } from '../engine/types.js';
import type { Capability, LabProvider } from '../labs/types.js';

/** What the loader knows of a drill's lab before it exists. */
export interface LabInfo {
  provider: LabProvider;
  spec: unknown;
  nodes: string[];
  offers: Capability[];
  /** Its etcd members, where the provider can tell. */
  etcdMembers?: number;
}

/** Why a node param cannot name a node of this lab: an unknown name, or a selector that cannot resolve. */
export function nodeProblem(node: string, lab: LabInfo): string | undefined {
  if (!(NODE_SELECTORS as readonly string[]).includes(node)) {
    return lab.nodes.includes(node) ? undefined : `unknown node "${node}" (nodes: ${lab.nodes.join(', ')}; or ${NODE_SELECTORS.join(', ')})`;
  }
  if (node === 'follower' && lab.etcdMembers !== undefined && lab.etcdMembers < 2) {
    return `"follower" cannot be picked: this lab has ${lab.etcdMembers} etcd member, which is the leader (a follower needs 2 members or more)`;
  }
  return undefined;
}
