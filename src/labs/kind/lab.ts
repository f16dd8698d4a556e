import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../drill/duration.js';
import { LabError, errorMessage } from '../../engine/errors.js';
import type { Capability } from '../../engine/types.js';
import { CommandError, prettyCommand } from '../../exec/errors.js';
import { kubeAccess } from '../../clients/kube/access.js';
import type { Lab, LabEnv, LabNode, UpResult } from '../types.js';
import { DEFAULT_ROLES, nodesOfConfig, readRoles, resolveConfig } from './config.js';
import {
  dockerInspectNodeArgv, dockerPsArgv, kindCreateArgv, kindDeleteArgv, kindGetClustersArgv, kindGetKubeconfigArgv,
  parseClusters, parseInspectNode, parsePs, type FoundNode, type InspectedNode,
} from './commands.js';
import { kindSql } from './sql.js';
import type { KindSpec } from './spec.js';
import { KindNodes } from './nodes.js';
import { KindEtcd } from './etcd-access.js';
import { etcdAccessMode } from './etcd.js';
import { TlsEtcdAccess, type EtcdAccess } from '../../clients/etcd/access.js';

export const KIND_CAPABILITIES: Capability[] = ['docker', 'etcd', 'kubernetes', 'sql'];

/** A kind cluster as a kdrill lab. Reads `env.runner` at each call: the engine rebinds it per phase. */
export class KindLab implements Lab {
  readonly provider = 'kind';
  readonly capabilities = KIND_CAPABILITIES;
  readonly name: string;
  readonly configFile: string;
  readonly kubeconfig: string;
  /** Written before `kind create`: a cluster of this name found later was left by an aborted kdrill run. */
  readonly marker: string;
  /** kind puts every cluster on the `kind` network (KIND_EXPERIMENTAL_DOCKER_NETWORK overrides it). */
  readonly network: string;
  private readonly nodeList: LabNode[];
  /** `docker` capability: the etcd lab's node operations, kind's label as the ownership mark. */
  readonly dockerNodes: KindNodes;
  readonly etcd: KindEtcd;
  /** `etcd` capability: the etcd lab's TlsEtcdAccess on kind's members; `ops` for maintenance modules. */
  readonly etcdAccess: EtcdAccess & { ops: KindEtcd };

  constructor(readonly spec: KindSpec, public env: LabEnv) {
    this.name = spec.name;
    this.configFile = resolveConfig(spec.config, env.drillDir) ?? path.resolve(env.drillDir, spec.config);
    this.kubeconfig = path.join(env.stateDir, 'kubeconfig');
    this.marker = path.join(env.stateDir, 'created-by-kdrill');
    this.network = process.env.KIND_EXPERIMENTAL_DOCKER_NETWORK || 'kind';
    this.nodeList = nodesOfConfig(spec.name, readRoles(spec.config, env.drillDir) ?? [...DEFAULT_ROLES]);
    this.dockerNodes = new KindNodes(spec.name, this.network, () => this.nodeList);
    const controlPlanes = () => this.nodeList.filter((n) => n.role === 'control-plane');
    this.etcd = new KindEtcd(etcdAccessMode(spec.etcdAccess), controlPlanes, env.stateDir, () => this.env);
    const tls = new TlsEtcdAccess({ endpoints: () => this.etcd.members().map((m) => ({ node: m.node, url: m.url })), tls: () => this.etcd.tls() });
    this.etcdAccess = Object.assign(tls, { ops: this.etcd });
  }

  nodes(): LabNode[] {
    return this.nodeList;
  }

  get<T>(capability: Capability): T | undefined {
    if (capability === 'kubernetes') return kubeAccess(this.kubeconfig) as T;
    if (capability === 'sql') return kindSql(this.kubeconfig) as T;
    if (capability === 'docker') return this.dockerNodes as T;
    if (capability === 'etcd') return this.etcdAccess as T;
    return undefined;
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
      ...(this.etcd.mode === 'direct' ? this.etcd.planCerts().map((l) => `${l}  # etcd client certs`) : ['# etcd through docker exec … crictl exec <etcd> etcdctl (etcdAccess: exec)']),
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
    if (exists && this.spec.reuse) {
      this.env.log(`kind cluster ${this.name} exists: adopted (reuse: true), it will not be deleted`);
      created = false;
    } else if (exists && existsSync(this.marker)) {
      this.env.log(`kind cluster ${this.name} was left by an aborted kdrill run: adopted, and deleted at the end`, 'warn');
      created = true;
    } else if (exists) {
      throw new LabError(`a kind cluster named ${this.name} already exists and kdrill did not create it: set reuse: true in the lab to drill on it, or remove it with: ${prettyCommand(kindDeleteArgv(this.name))}`);
    } else {
      writeFileSync(this.marker, `${new Date().toISOString()}\n`);
      try {
        await this.run(this.createArgv(), (parseDuration(this.spec.waitFor) ?? 300_000) + 600_000);
      } catch (err) {
        await this.down({}).catch(() => {});
        throw new LabError(`kind could not create cluster ${this.name}: ${errorMessage(err)}`, false, { cause: err });
      }
      created = true;
    }
    await this.writeKubeconfig();
    await this.checkNodes();
    await this.readEtcdMembers();
    return { created };
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
      if (seen?.ip) this.etcd.setIp(n.container, seen.ip);
    }
    if (this.etcd.mode === 'direct') await this.etcd.copyCerts();
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
    await this.etcdAccess.close().catch(() => {});
  }

  async down(opts: { force?: boolean }): Promise<void> {
    await this.etcdAccess.close().catch(() => {});
    if (this.spec.reuse && !opts.force && !existsSync(this.marker)) return;
    await this.run(kindDeleteArgv(this.name), 300_000);
    rmSync(this.marker, { force: true });
  }
}
