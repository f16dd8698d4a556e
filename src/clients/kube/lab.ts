import type { Lab } from '../../labs/types.js';
import type { KubeAccess } from './access.js';

/** The lab's Kubernetes access, or a plain error naming the lab that lacks it. */
export function kubeOf(lab: Lab): KubeAccess {
  const k = lab.kubernetes;
  if (!k) throw new Error(`lab "${lab.name}" (${lab.provider}) has no Kubernetes API; use a kind lab`);
  return k;
}
