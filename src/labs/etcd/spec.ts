import { createHash } from 'node:crypto';
import { z } from 'zod';
import { lowercaseName, positiveDuration } from '../../drill/schema.js';
import { parseDuration } from '../../drill/duration.js';
import type { LabNode } from '../types.js';
import { parseBytes } from '../../drill/units.js';
import { workerSchema, type WorkerSpec } from './worker.js';
import { imageRef } from '../docker/image.js';

export const OWNER_LABEL = 'dev.kdrill.lab';
/** A hash of what makes two labs of the same name interchangeable (reuse only when equal). */
export const SHAPE_LABEL = 'dev.kdrill.shape';
export const DEFAULT_ETCD_IMAGE = 'kdrill/etcd:3.4.23';

const quota = z
  .union([z.number(), z.string()])
  .refine((v) => parseBytes(v) !== undefined, { message: 'expected a size such as 16MiB, 2GB or 1048576' })
  .describe('--quota-backend-bytes of every member: 16MiB, 2GB, 1048576');

/** The `lab:` section of a drill for `provider: etcd`. */
export const etcdLabSchema = z.strictObject({
  provider: z.literal('etcd'),
  name: lowercaseName(40, 'its containers are <name>-control-plane2, …, its network kdrill-<name>', 'kdrill-etcd')
    .default('kdrill-etcd')
    .describe('Lab name: containers are <name>-control-plane, <name>-control-plane2, …; network kdrill-<name>'),
  members: z.number().int().min(1).max(7).default(3).describe('etcd members, one per control-plane node (1–7; even sizes too)'),
  image: imageRef.default(DEFAULT_ETCD_IMAGE)
    .describe('kdrill/etcd:3.4.23 (built by scripts/build-etcd-image.sh) or registry.k8s.io/etcd:3.5.x where a registry is reachable'),
  quota: quota.optional(),
  heartbeat: positiveDuration.optional().describe("etcd's --heartbeat-interval (default 100ms)"),
  election: positiveDuration.optional().describe("etcd's --election-timeout (default 1000ms)"),
  preVote: z.boolean().default(true)
    .describe("etcd's --pre-vote: on, as etcd 3.5 (kubeadm, kind) runs by default; false shows a rejoining member with a higher term forcing an election"),
  reuse: z.boolean().default(true)
    .describe('Adopt a lab of the same name and shape left over from an aborted run (a different shape is recreated)'),
  keep: z.boolean().default(false).describe('Leave the lab up after the drill (the next run adopts it)'),
  etcdAccess: z.enum(['auto', 'direct', 'published', 'exec']).default('auto')
    .describe("How kdrill reaches etcd. direct: gRPC to the members' IPs on the lab network; published: gRPC to each member's client port published on 127.0.0.1 (Docker Desktop, rootless docker); exec: etcdctl inside each member's node (docker exec); auto: direct where the members' IPs answer, published otherwise"),
  worker: workerSchema.optional().describe('A worker node <name>-worker with app data: postgres (issue 4)'),
});

export type EtcdLabSpec = z.output<typeof etcdLabSchema>;

export const networkName = (lab: string): string => `kdrill-${lab}`;
export const controlPlaneName = (i: number): string => (i === 0 ? 'control-plane' : `control-plane${i + 1}`);
export const containerName = (lab: string, node: string): string => `${lab}-${node}`;

/** The lab's nodes in kind's order. Other roles (issue 4's worker) append here. */
export function labNodes(spec: Pick<EtcdLabSpec, 'name' | 'members'> & { worker?: WorkerSpec }): LabNode[] {
  const cps = Array.from({ length: spec.members }, (_, i) => {
    const name = controlPlaneName(i);
    return { name, container: containerName(spec.name, name), role: 'control-plane' as const };
  });
  return spec.worker ? [...cps, { name: 'worker', container: containerName(spec.name, 'worker'), role: 'worker' as const }] : cps;
}

/**
 * Fixed addresses in the lab's /24 (`--ip`), so a restarted node gets its IP back: control planes
 * from .11 up, so other roles can take .100 and above without ever colliding.
 */
export function nodeIp(subnet: string, index: number): string {
  return `${subnet.split('/')[0]!.split('.').slice(0, 3).join('.')}.${11 + index}`;
}

/** What must match for a left-over lab to be adopted rather than recreated. */
export function shapeOf(spec: EtcdLabSpec): string {
  const shape = {
    members: spec.members, image: spec.image, quota: spec.quota === undefined ? null : parseBytes(spec.quota),
    heartbeat: spec.heartbeat ? parseDuration(spec.heartbeat) : null, election: spec.election ? parseDuration(spec.election) : null, preVote: spec.preVote,
  };
  return createHash('sha256').update(JSON.stringify(shape)).digest('hex').slice(0, 12);
}
