import { z } from 'zod';
import { LabError } from '../../engine/errors.js';
import type { Context, PlanContext } from '../../engine/types.js';
import { STATIC_PODS, type StaticPods } from '../../labs/types.js';

export const podParam = z.enum(STATIC_PODS).describe("A kubeadm control-plane component: its static Pod's manifest is /etc/kubernetes/manifests/<pod>.yaml");

export function staticPodsOf(lab: Context['lab'] | PlanContext['lab']): StaticPods {
  if (!lab.staticPods) throw new LabError(`lab provider ${lab.provider} has no kubelet and static Pods`);
  return lab.staticPods;
}

export const shellContext = (ctx: Context) => ({ runner: ctx.runner, signal: ctx.signal });

/** The hosts named, or every control plane of the lab (kubeadm's certificates and static Pods live there). */
export function controlPlanes(lab: Context['lab'] | PlanContext['lab'], nodes?: string[]): string[] {
  if (nodes && nodes.length > 0) return nodes;
  const cps = lab.nodes().filter((n) => n.role === 'control-plane').map((n) => n.name);
  if (cps.length === 0) throw new LabError(`lab ${lab.name} has no control-plane host: name the hosts with nodes: [...]`);
  return cps;
}
