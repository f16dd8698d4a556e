import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../drill/duration.js';
import { LabError, errorMessage } from '../../engine/errors.js';
import { CommandError, prettyCommand } from '../../exec/errors.js';
import { kubeAccess, type KubeAccess } from '../../clients/kube/access.js';
import type { SqlAccess } from '../../clients/sql.js';
import { EtcdAccess, type EtcdTransport } from '../../clients/etcd/access.js';
import { DockerShell } from '../docker/index.js';
import type { Capability, Lab, LabEnv, LabNode, SafetyNet, UpResult } from '../types.js';
import { dockerMachines, safetyNetOf } from '../safety-net.js';
import { DEFAULT_ROLES, nodesOfConfig, readRoles, resolveConfig } from './config.js';
import {
  dockerInspectNodeArgv, dockerPsArgv, kindCreateArgv, kindDeleteArgv, kindGetClustersArgv, kindGetKubeconfigArgv,
  parseClusters, parseInspectNode, parsePs, type FoundNode, type InspectedNode,
} from './commands.js';
import { kindSql } from './sql.js';
import type { KindSpec } from './spec.js';
import { KindNodes } from './nodes.js';
import { StaticPodEtcdSource } from '../static-pod/etcd-source.js';
import { MANIFEST, PARKED, StaticPodMembers } from '../static-pod/members.js';
import { KindEtcdHosts } from './etcd-hosts.js';
import { KindMachine } from './machine.js';
import { markerAfterCreate, markerBeforeCreate, readMarker, whyNotOurs } from './ownership.js';
import { etcdAccessMode, type EtcdAccessMode } from './etcd.js';
import type { DockerHostKind } from '../docker/host.js';

export const KIND_CAPABILITIES: Capability[] = ['nodeOps', 'shell', 'etcd', 'members', 'kubernetes', 'sql'];

/** How a kind lab reaches etcd: gRPC to the node IPs (direct), or etcdctl in each node (exec). */
export const kindEtcdTransport = (spec: Pick<KindSpec, 'etcdAccess'>, host?: DockerHostKind): EtcdTransport =>
  etcdAccessMode(spec.etcdAccess, host) === 'direct' ? 'grpc' : 'exec';

/** A kind cluster as a kdrill lab. Reads `env.runner` at each call: the engine rebinds it per phase. */
export class KindLab implements Lab {
  readonly provider = 'kind';
  readonly etcdQuotaIsSet = "on the cluster's etcd (kubeadmConfigPatches: etcd.local.extraArgs.quota-backend-bytes, as clusters/kind-kubeadm-nightly.yaml)";
  readonly name: string;
  readonly configFile: string;
  readonly kubeconfig: string;
  /** Written before `kind create`: a cluster of this name found later was left by an aborted kdrill run. */
  readonly marker: string;
  /** kind puts every cluster on the `kind` network (KIND_EXPERIMENTAL_DOCKER_NETWORK overrides it). */
  readonly network: string;
  private readonly nodeList: LabNode[];
  /** Set once this run made the cluster (from the moment `kind create` starts) or proved it kdrill's. */
  private owned = false;
  readonly etcdMode: EtcdAccessMode;
  /** The etcd lab's node operations, kind's cluster label as the ownership mark. */
  readonly nodeOps: KindNodes;
  readonly shell: DockerShell;
  readonly etcdHosts: KindEtcdHosts;
  readonly etcdSource: StaticPodEtcdSource;
  /** etcd over gRPC to the members' node IPs (etcdAccess: direct), or etcdctl in each node (exec). */
  readonly etcd: EtcdAccess;
  /** Member recovery through the etcd static Pod's manifest, kubeadm's way. */
  readonly members: StaticPodMembers;
  readonly kubernetes: KubeAccess;
  readonly sql: SqlAccess;
  /** A kept or adopted cluster brought back to its steady state after the drill (src/labs/safety-net.ts). */
  readonly safetyNet: SafetyNet;

  constructor(readonly spec: KindSpec, public env: LabEnv) {
    this.name = spec.name;
    this.configFile = resolveConfig(spec.config, env.drillDir) ?? path.resolve(env.drillDir, spec.config);
    this.kubeconfig = path.join(env.stateDir, 'kubeconfig');
    this.marker = path.join(env.stateDir, 'created-by-kdrill');
    this.network = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';
    this.nodeList = nodesOfConfig(spec.name, readRoles(spec.config, env.drillDir) ?? [...DEFAULT_ROLES]);
    this.nodeOps = new KindNodes(spec.name, this.network, () => this.nodeList, (container, ip) => this.etcdHosts.setIp(container, ip));
    this.shell = new DockerShell(this.nodeOps);
    const controlPlanes = () => this.nodeList.filter((n) => n.role === 'control-plane');
    this.etcdMode = etcdAccessMode(spec.etcdAccess);
    const machine = new KindMachine(this.nodeOps, () => controlPlanes().map((n) => n.name), async (ctx, node) => (await this.members.config(ctx, node)).peerURL);
    this.members = new StaticPodMembers(machine, this.shell);
    this.etcdHosts = new KindEtcdHosts(controlPlanes, env.stateDir);
    this.etcdSource = new StaticPodEtcdSource(this.etcdHosts, () => this.env, this.shell, (ctx, node, name) => this.members.podVisible(ctx, node, name));
    this.etcd = new EtcdAccess(this.etcdSource, this.etcdMode === 'direct' ? 'grpc' : 'exec');
    this.kubernetes = kubeAccess(this.kubeconfig);
    this.sql = kindSql(this.kubeconfig);
    const members = () => controlPlanes().map((n) => ({ node: n.name, container: n.container }));
    this.safetyNet = safetyNetOf({
      name: spec.name, etcd: this.etcd, machines: dockerMachines(this.network, this.nodeOps, this.members), host: this.members, members,
      look: (sick) => sick.flatMap((m) => [
        `${prettyCommand(['docker', 'exec', m.container, 'crictl', 'ps', '--all', '--name', 'etcd'])}  # the etcd Pod's containers on ${m.node}`,
        `${prettyCommand(['docker', 'exec', m.container, 'mv', PARKED, MANIFEST])}  # if kdrill's stop left the manifest out of kubelet's folder`,
      ]),
      // A cluster adopted with reuse: true is the user's: kdrill never suggests deleting it.
      ...(spec.reuse ? {} : { startOver: prettyCommand(kindDeleteArgv(spec.name)) }),
    });
  }

  nodes(): LabNode[] {
    return this.nodeList;
  }

  private createArgv(): string[] {
    return kindCreateArgv({ name: this.name, config: this.configFile, waitFor: this.spec.waitFor, kindImage: this.spec.kindImage });
  }

  planUp(): string[] {
    const existing = this.spec.reuse
      ? `${prettyCommand(kindGetClustersArgv())}  # "${this.name}" listed: adopt it (never deleted); else create it`
      : `${prettyCommand(kindGetClustersArgv())}  # "${this.name}" must not exist yet (unless left by an aborted kdrill run)`;
    return [
      existing,
      prettyCommand(this.createArgv()),
      `${prettyCommand(kindGetKubeconfigArgv(this.name))} > ${this.kubeconfig}`,
      `${prettyCommand(dockerPsArgv(this.name))}  # the nodes, by kind's labels`,
      ...this.nodeList.filter((n) => n.role === 'control-plane').map((n) => `${prettyCommand(dockerInspectNodeArgv(n.container, this.network))}  # its IP: etcd member https://<ip>:2379`),
      ...(this.etcdMode === 'direct'
        ? this.etcdSource.planCerts().map((l) => `${l}  # etcd client certs`)
        : [`${prettyCommand(this.etcdSource.etcdctl.host.argv('control-plane', ['endpoint', 'status', '-w', 'json']))}  # etcdAccess: exec: etcdctl in each member's node`]),
    ];
  }

  planDown(): string[] {
    const why = this.spec.reuse ? 'only if this run created it' : this.spec.keep ? 'skipped: keep: true' : 'the cluster this run created';
    return [`${prettyCommand(kindDeleteArgv(this.name))}  # ${why}`];
  }

  private run(argv: string[], timeout = 60_000, allowFailure = false) {
    return this.env.runner.run(argv, { signal: this.env.signal, timeout, allowFailure });
  }

  async clusters(): Promise<string[]> {
    try {
      return parseClusters((await this.run(kindGetClustersArgv(), 30_000)).stdout);
    } catch (err) {
      if (err instanceof CommandError && err.reason === 'spawn') {
        throw new LabError('kind is not installed (or not on PATH): install kind and kubectl, see docs/kind.md', false, { cause: err });
      }
      throw new LabError(`cannot list kind clusters: ${errorMessage(err)}`, false, { cause: err });
    }
  }

  async up(): Promise<UpResult> {
    mkdirSync(this.env.stateDir, { recursive: true });
    if (!existsSync(this.configFile)) throw new LabError(`kind config not found: ${this.configFile}`);
    const exists = (await this.clusters()).includes(this.name);
    let created: boolean;
    let adopted: string | undefined;
    if (exists && this.spec.reuse) {
      adopted = 'an existing cluster (reuse: true), never deleted by kdrill';
      this.env.log(`kind cluster ${this.name} exists: adopted (reuse: true), it will not be deleted`);
      created = false;
    } else if (exists && existsSync(this.marker)) {
      // The marker says kdrill made a cluster of this name; its nodes must still be the containers it made.
      const why = whyNotOurs(readMarker(readFileSync(this.marker, 'utf8')), await this.discover());
      if (why) {
        throw new LabError(`a kind cluster named ${this.name} exists and kdrill cannot prove it made it: ${why}. kdrill leaves it alone: `
          + `set reuse: true in the lab to drill on it (never deleted), or remove it with: ${prettyCommand(kindDeleteArgv(this.name))}; then remove ${this.marker}`);
      }
      this.owned = true;
      adopted = this.spec.keep ? 'kept by an earlier kdrill run (its nodes are the containers kdrill made)' : 'left by an earlier kdrill run (its nodes are the containers kdrill made), deleted at the end';
      this.env.log(`kind cluster ${this.name}: adopted, ${adopted}`, 'warn');
      created = true;
    } else if (exists) {
      throw new LabError(`a kind cluster named ${this.name} already exists and kdrill did not create it: set reuse: true in the lab to drill on it, or remove it with: ${prettyCommand(kindDeleteArgv(this.name))}`);
    } else {
      const started = new Date();
      writeFileSync(this.marker, markerBeforeCreate(started));
      this.owned = true;
      try {
        await this.run(this.createArgv(), (parseDuration(this.spec.waitFor) ?? 300_000) + 600_000);
        // From here on the cluster is provably kdrill's: its nodes' container IDs are recorded.
        writeFileSync(this.marker, markerAfterCreate(started.toISOString(), await this.discover()));
      } catch (err) {
        await this.down({}).catch(() => {});
        throw new LabError(`kind could not create cluster ${this.name}: ${errorMessage(err)}`, false, { cause: err });
      }
      created = true;
    }
    await this.writeKubeconfig();
    await this.checkNodes();
    await this.readEtcdMembers();
    return { created, ...(adopted ? { adopted } : {}) };
  }

  /** The cluster as it stands (kubeconfig, members' IPs); owned only when the marker proves kdrill made it. */
  async attach(): Promise<string | undefined> {
    if (!(await this.clusters()).includes(this.name)) return undefined;
    mkdirSync(this.env.stateDir, { recursive: true });
    const found = await this.discover();
    this.owned = existsSync(this.marker) && !whyNotOurs(readMarker(readFileSync(this.marker, 'utf8')), found);
    // kind reads the kubeconfig out of its first control-plane node: with that node stopped, a look at
    // the lab (kdrill lab status, env) keeps the one written before instead of failing.
    await this.writeKubeconfig().catch((err: unknown) => {
      if (!existsSync(this.kubeconfig)) throw err;
      this.env.log(`kind get kubeconfig failed (${errorMessage(err).split('\n')[0]}); using the kubeconfig written before: ${this.kubeconfig}`, 'warn');
    });
    await this.readEtcdMembers();
    return `${found.length} nodes, ${this.owned ? 'made by kdrill' : 'not made by kdrill (never deleted by it)'}`;
  }

  async writeKubeconfig(): Promise<void> {
    const r = await this.run(kindGetKubeconfigArgv(this.name), 30_000);
    writeFileSync(this.kubeconfig, r.stdout, { mode: 0o600 });
  }

  /** Every node the config declares must be there, found by kind's cluster label. */
  async checkNodes(): Promise<FoundNode[]> {
    const found = await this.discover();
    const missing = this.nodeList.filter((n) => !found.some((f) => f.container === n.container));
    if (missing.length > 0) {
      throw new LabError(`kind cluster ${this.name} lacks node(s) ${missing.map((n) => n.container).join(', ')} declared by ${this.configFile}; found: ${found.map((f) => f.container).join(', ') || 'none'}`);
    }
    return found;
  }

  /** Control-plane IPs on the kind network: where each etcd member answers (direct access). */
  async readEtcdMembers(): Promise<void> {
    for (const n of this.nodeList.filter((x) => x.role === 'control-plane')) {
      const seen = await this.inspect(n.container);
      this.etcdHosts.setIp(n.container, seen?.ip);
    }
    if (this.etcdMode === 'direct') await this.etcdSource.tls();
  }

  async discover(): Promise<FoundNode[]> {
    return parsePs((await this.run(dockerPsArgv(this.name), 30_000)).stdout);
  }

  /** Labels, state and kind-network IP of a container; undefined when there is no such container. */
  async inspect(container: string): Promise<InspectedNode | undefined> {
    const r = await this.run(dockerInspectNodeArgv(container, this.network), 15_000, true);
    return r.exitCode === 0 ? parseInspectNode(r.stdout) : undefined;
  }

  async close(): Promise<void> {
    await this.etcd.close().catch(() => {});
  }

  async down(opts: { force?: boolean }): Promise<void> {
    await this.etcd.close().catch(() => {});
    // Only a cluster this run made or proved kdrill's: never one that up refused (someone else's).
    if (!this.owned && !opts.force) return;
    await this.run(kindDeleteArgv(this.name), 300_000);
    // The cluster is gone, and with it what kdrill kept about it: marker, kubeconfig, etcd client keys.
    rmSync(this.env.stateDir, { recursive: true, force: true });
  }
}
