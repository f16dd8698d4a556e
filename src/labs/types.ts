import type { z } from 'zod';
import type { CommandRunner, RunResult } from '../exec/runner.js';
import type { EtcdAccess } from '../clients/etcd/access.js';
import type { KubeAccess } from '../clients/kube/access.js';
import type { SqlAccess } from '../clients/sql.js';
import type { EtcdMemberHost } from './members.js';

/**
 * The lab contract (kind's `Provider` idea): a lab says what it offers with typed, optional members.
 * `tsc` checks what a lab hands over; `kdrill validate` checks a drill's modules against the names in
 * CAPABILITIES, which are derived from this interface.
 */

/** What a lab needs to act: the process seam, logging and the run's abort signal. */
export interface LabEnv {
  runner: CommandRunner;
  signal: AbortSignal;
  log(message: string, level?: 'info' | 'warn' | 'error'): void;
  /** Folder of the drill file, for relative paths in the lab section. */
  drillDir: string;
  /** Folder for this lab's local state (certs copied out, kubeconfig). */
  stateDir: string;
}

export interface LabNode {
  /** The drill's short name: `control-plane`, `control-plane2`, `worker`. */
  name: string;
  /** The container (or VM) name: `<lab>-control-plane2`. */
  container: string;
  role: 'control-plane' | 'worker' | 'load-balancer';
}

/** What a node operation needs from the run: the process seam, the abort signal, the run's state. */
export interface NodeOpsContext {
  runner: CommandRunner;
  signal: AbortSignal;
  /** Where a node's IP is recorded before it goes down (checked when it is back). */
  state: Map<string, unknown>;
  log?(message: string, level?: 'info' | 'warn' | 'error'): void;
}

export type NodeOp = 'stop' | 'kill' | 'start' | 'pause' | 'unpause' | 'partition' | 'heal';

/** Node faults and their recoveries, on nodes the lab owns (checked before each one). */
export interface NodeOps {
  /** The container or VM of a node name; throws on a node the lab does not have (or never touches). */
  container(node: string): string;
  /** The exact operations of `op` for --dry-run. */
  plan(op: NodeOp, node: string, opts?: { graceSeconds?: number }): string[];
  /** The stop signal, then SIGKILL after `graceMs`. */
  stop(ctx: NodeOpsContext, node: string, graceMs?: number): Promise<void>;
  kill(ctx: NodeOpsContext, node: string): Promise<void>;
  /** Starts (or unpauses) a node and checks it came back as itself (same IP). */
  start(ctx: NodeOpsContext, node: string): Promise<void>;
  pause(ctx: NodeOpsContext, node: string): Promise<void>;
  unpause(ctx: NodeOpsContext, node: string): Promise<void>;
  /** Cuts the node off the lab network. */
  partition(ctx: NodeOpsContext, node: string): Promise<void>;
  /** Puts a partitioned node back on the lab network, as itself. */
  heal(ctx: NodeOpsContext, node: string): Promise<void>;
}

/** A node as a place to run commands (kind's `Node.Command()`): docker exec here, ssh on kubeadm hosts. */
export interface NodeShell {
  /** The argv that runs `argv` inside the node, for --dry-run and errors. */
  argv(node: string, argv: readonly string[]): string[];
  /** Runs `argv` inside the node (a running one). A non-zero exit throws unless `allowFailure`. */
  exec(ctx: ShellContext, node: string, argv: readonly string[], opts?: { timeoutMs?: number; allowFailure?: boolean; input?: string | Buffer }): Promise<RunResult>;
  /** Copies a host file into the node (running or stopped). */
  copyIn(ctx: ShellContext, node: string, hostPath: string, nodePath: string): Promise<void>;
  /** Copies a node's file out to the host (running or stopped). */
  copyOut(ctx: ShellContext, node: string, nodePath: string, hostPath: string): Promise<void>;
}

export interface ShellContext {
  runner: CommandRunner;
  signal: AbortSignal;
}

/** The control-plane components kubeadm runs as static Pods, one manifest each in /etc/kubernetes/manifests. */
export const STATIC_PODS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'] as const;
export type StaticPod = (typeof STATIC_PODS)[number];

/**
 * kubeadm's node agent and its static Pods on a node (the seeds' faults: `systemctl stop kubelet`,
 * a manifest moved out of /etc/kubernetes/manifests and back). Every change finishes its wait
 * (the Pod gone or running) unless the abort signal ends it.
 */
export interface StaticPods {
  stopKubelet(ctx: ShellContext, node: string): Promise<void>;
  startKubelet(ctx: ShellContext, node: string): Promise<void>;
  /** Whether kubelet runs; undefined where the node has no systemctl to ask (kind's node images under test). */
  kubeletActive(ctx: ShellContext, node: string): Promise<boolean | undefined>;
  /** Moves the component's manifest out of kubelet's folder and waits until its container is gone. */
  stopPod(ctx: ShellContext, node: string, pod: StaticPod): Promise<void>;
  /** Moves it back and waits until kubelet runs the container again. */
  startPod(ctx: ShellContext, node: string, pod: StaticPod): Promise<void>;
  /** Whether a running container of the component is on the node. */
  podRunning(ctx: ShellContext, node: string, pod: StaticPod): Promise<boolean>;
  /** The manifests kdrill moved out of kubelet's folder on the node and has not put back. */
  parked(ctx: ShellContext, node: string): Promise<StaticPod[]>;
  /** --dry-run lines. */
  plan(op: 'stopKubelet' | 'startKubelet' | 'stopPod' | 'startPod', node: string, pod?: StaticPod): string[];
}

/**
 * The capabilities a lab may offer, each an interface of its own. A module names what it needs in
 * `requires`; the loader refuses a drill whose lab lacks it, before anything runs.
 */
export interface LabCapabilities {
  /** Node faults: stop, kill, pause, partition and their recoveries. */
  nodeOps?: NodeOps;
  /** Commands and file copies inside a node. */
  shell?: NodeShell;
  /** etcd: status, keys, maintenance, snapshots, membership. */
  etcd?: EtcdAccess;
  /** One etcd member's process, data dir and config (member replace, snapshot restore). */
  members?: EtcdMemberHost;
  /** The Kubernetes API and kubectl. */
  kubernetes?: KubeAccess;
  /** SQL where the app's data lives. */
  sql?: SqlAccess;
  /** kubelet and the static Pods on kubeadm nodes (systemctl, manifests moved out and back). */
  staticPods?: StaticPods;
}

export type Capability = keyof LabCapabilities;

/** Every capability with the words `validate` uses for it; `satisfies` keeps it in step with LabCapabilities. */
export const CAPABILITIES = {
  nodeOps: 'node operations (stop, kill, pause, partition)',
  shell: 'commands inside a node',
  etcd: 'etcd access',
  members: 'etcd member operations (member replace, snapshot restore)',
  kubernetes: 'a Kubernetes API',
  sql: 'a SQL database',
  staticPods: 'kubelet and static Pods (kubeadm nodes)',
} as const satisfies Record<Capability, string>;

export const capabilityNames = Object.keys(CAPABILITIES) as Capability[];

/** The capabilities a lab object hands over (the members that are set). */
export function capabilitiesOf(lab: LabCapabilities): Capability[] {
  return capabilityNames.filter((c) => lab[c] !== undefined);
}

/** A lab's capability, or an error that names the lab and what it lacks. */
export function need<C extends Capability>(lab: Lab, capability: C): NonNullable<LabCapabilities[C]> {
  const value = lab[capability];
  if (value === undefined) throw new Error(`lab "${lab.name}" (${lab.provider}) offers no ${CAPABILITIES[capability]}`);
  return value as NonNullable<LabCapabilities[C]>;
}

/**
 * A lab provider: one per kind of lab, one folder each under src/labs, one line in src/labs/registry.ts.
 * `schema` validates the drill's `lab:` section; `create` gives the lab object the engine drives.
 */
export interface LabProvider<S extends { provider: string } = any> {
  name: string;
  summary: string;
  schema: z.ZodType<S>;
  /** What a lab of this spec offers, known before it exists (`validate` checks modules against it). */
  capabilities(spec: S, ctx?: { drillDir?: string }): Capability[];
  /** The reason a capability this provider has in general is missing for this spec, for `validate`. */
  lacks?(spec: S, capability: Capability, ctx?: { drillDir?: string }): string | undefined;
  /** How a lab of this spec reaches etcd (gRPC to the members, or etcdctl inside the nodes). */
  etcdTransport?(spec: S): 'grpc' | 'exec';
  /** Node names known before the lab exists (used by `validate` to check `node:` params). */
  nodeNames(spec: S, ctx?: { drillDir?: string }): string[];
  /** What is wrong with the files a spec names (a kind config), by their key in `lab:`, for `validate`. */
  specProblems?(spec: S, ctx: { drillDir: string }): Array<{ key: string; message: string }>;
  /** How many etcd members a lab of this spec has, known before it exists (`validate` checks `node: follower`); undefined when it cannot tell. */
  etcdMembers?(spec: S, ctx?: { drillDir?: string }): number | undefined;
  /** Why a node operation cannot run on a lab of this spec (kubeadm hosts cannot be paused), for `validate`. */
  nodeOpLacks?(spec: S, op: NodeOp): string | undefined;
  /** Why one node cannot take node operations (a host without a power driver), for `validate`. */
  nodeLacks?(spec: S, node: string, ctx?: { drillDir?: string }): string | undefined;
  /**
   * The spec with the files it names made absolute, found as the lab finds them from `drillDir`: for a
   * copy of the lab written in another folder (a campaign round's drill.yaml, which `kdrill run` replays).
   */
  absolutePaths?(spec: S, drillDir: string): S;
  create(spec: S, env: LabEnv): Lab;
}

/** A lab's own steady state (not the drill's invariants): what is wrong, in the operator's words. */
export interface LabCheck {
  ok: boolean;
  problems: string[];
}

/**
 * The safety net of a lab that stays after the drill (kept or adopted): after the drill's restore,
 * the engine checks the lab's steady state, heals what the lab recognises, and checks again.
 */
export interface SafetyNet {
  check(ctx: NodeOpsContext): Promise<LabCheck>;
  /** What it did, in the operator's words ("started control-plane2"); never touches what the lab does not own. */
  heal(ctx: NodeOpsContext): Promise<string[]>;
  /** Commands an operator can paste to look and to fix what is still wrong. */
  byHand(problems: string[]): string[];
}

export interface UpResult {
  /**
   * True when this run owns the lab and removes it at the end (unless `keep: true`): it created
   * it, or adopted one that an aborted kdrill run left behind. False for a lab that someone else
   * made (a kind cluster adopted with `reuse: true`): kdrill never deletes that.
   */
  created: boolean;
  /** Set when an existing lab was adopted rather than created: what was found, in the operator's words. */
  adopted?: string;
}

export interface Lab extends LabCapabilities {
  provider: string;
  name: string;
  /** The env, rebound by the engine to each phase's abort signal. */
  env: LabEnv;
  /** Brings the lab up; on failure it removes whatever it created itself before throwing (LabError). */
  up(): Promise<UpResult>;
  /**
   * Finds the lab as it is and connects to it, changing nothing in it (`kdrill lab status`, `env`):
   * what was found ("3 of 3 members running"), or undefined when there is no such lab.
   */
  attach?(): Promise<string | undefined>;
  /** Remove what this lab created (`created` from up), or everything it owns when `force`. */
  down(opts: { force?: boolean }): Promise<void>;
  /** Releases clients (etcd connections) whatever happened; called once at the very end of a run. */
  close?(): Promise<void>;
  nodes(): LabNode[];
  /** Operations `up` would perform, for --dry-run. */
  planUp(): string[];
  planDown(): string[];
  /** Checked after the restore when the lab stays (keep: true, or adopted and not ours to remove). */
  safetyNet?: SafetyNet;
  /** Where this lab sets etcd's --quota-backend-bytes, in its own words (for a fill that never reached NOSPACE). */
  etcdQuotaIsSet?: string;
}
