import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeAccess, type KubeAccess } from '../../clients/kube/access.js';
import { psqlArgs, type SqlAccess, type SqlTarget } from '../../clients/sql.js';
import { EtcdAccess } from '../../clients/etcd/access.js';
import { LabError, errorMessage } from '../../engine/errors.js';
import { prettyCommand } from '../../exec/errors.js';
import { MANIFESTS_DIR, PARKED_DIR } from '../kubeadm-layout.js';
import { safetyNetOf } from '../safety-net.js';
import { StaticPodEtcdSource } from '../static-pod/etcd-source.js';
import { StaticPodMembers } from '../static-pod/members.js';
import { ManifestPods } from '../static-pod/pods.js';
import type { Lab, LabEnv, LabNode, SafetyNet, ShellContext, UpResult } from '../types.js';
import { KubeadmEtcdHosts, reachable } from './etcd-hosts.js';
import { answers, dockerShellOf, HostPower, hostMachine, hostMachines, sshShellOf, type HostShell } from './hosts.js';
import type { Inventory, InventoryHost } from './inventory.js';
import { loadInventory, type KubeadmSpec } from './spec.js';

/** Where kubeadm writes the cluster admin's kubeconfig on a control plane. */
const ADMIN_CONF = '/etc/kubernetes/admin.conf';

/**
 * The user's own kubeadm hosts as a kdrill lab. kdrill never creates, reinstalls or deletes them:
 * `up` checks that every host answers and reads where each etcd member is, `down` only closes
 * connections. Everything runs through the host's shell (ssh, or docker exec into a kind node):
 * etcd by gRPC to each member's advertised client URL with kubeadm's certs read over the shell,
 * or by etcdctl in the member's own container; the static Pods by their manifests; power by each
 * host's driver. The lab always stays, so the safety net checks it after every drill.
 */
export class KubeadmLab implements Lab {
  readonly provider = 'kubeadm';
  readonly etcdQuotaIsSet = "in each control plane's /etc/kubernetes/manifests/etcd.yaml (kubeadm's ClusterConfiguration etcd.local.extraArgs)";
  readonly name: string;
  readonly inventory: Inventory;
  readonly shell: HostShell;
  readonly nodeOps?: HostPower;
  readonly power: HostPower;
  readonly staticPods: ManifestPods;
  readonly members: StaticPodMembers;
  readonly etcdHosts: KubeadmEtcdHosts;
  readonly etcdSource: StaticPodEtcdSource;
  readonly etcd: EtcdAccess;
  readonly kubernetes: KubeAccess;
  /** psql on the host whose inventory entry has `postgres:` (a worker running the app's database). */
  readonly sql?: SqlAccess;
  readonly safetyNet: SafetyNet;
  readonly kubeconfig: string;

  constructor(readonly spec: KubeadmSpec, public env: LabEnv) {
    const { inventory, problems } = loadInventory(spec, { drillDir: env.drillDir });
    if (!inventory || problems.length > 0) throw new LabError(`kubeadm inventory: ${problems.join('; ')}`);
    this.inventory = inventory;
    // The inventory's name, and where it is: two inventory.yaml files in two folders are two labs (the
    // run lock is taken by this name).
    this.name = `${path.basename(inventory.file).replace(/\.ya?ml$/, '')}-${createHash('sha256').update(path.resolve(inventory.file)).digest('hex').slice(0, 6)}`;
    this.shell = spec.transport === 'docker' ? dockerShellOf(inventory) : sshShellOf(inventory);
    this.power = new HostPower(inventory, this.shell);
    if (inventory.hosts.some((h) => h.power)) this.nodeOps = this.power;
    this.staticPods = new ManifestPods(this.shell);
    this.members = new StaticPodMembers(hostMachine(this.shell, this.power), this.shell);
    this.etcdHosts = new KubeadmEtcdHosts(() => this.etcdHostList(), this.shell);
    this.etcdSource = new StaticPodEtcdSource(this.etcdHosts, () => this.env, this.shell, (ctx, node, name) => this.members.podVisible(ctx, node, name));
    this.etcd = new EtcdAccess(this.etcdSource, spec.etcdAccess === 'exec' ? 'exec' : 'grpc');
    this.kubeconfig = inventory.kubeconfig ?? path.join(env.stateDir, 'kubeconfig');
    this.kubernetes = kubeAccess(this.kubeconfig);
    const db = inventory.hosts.find((h) => h.postgres);
    if (db) this.sql = hostSql(this.shell, db);
    const members = () => this.etcdHostList().map((h) => ({ node: h.name, container: h.name }));
    this.safetyNet = safetyNetOf({
      name: this.name, etcd: this.etcd, host: this.members, members,
      machines: hostMachines(this.shell, this.power, this.staticPods, this.members),
      look: (sick) => sick.flatMap((m) => [
        `${prettyCommand(this.shell.argv(m.node, ['crictl', 'ps', '--all']))}  # the static Pods' containers on ${m.node}`,
        `${prettyCommand(this.shell.argv(m.node, ['ls', '-l', MANIFESTS_DIR, PARKED_DIR]))}  # a manifest kdrill moved out waits in ${PARKED_DIR}: mv it back`,
        `${prettyCommand(this.shell.argv(m.node, ['systemctl', 'status', 'kubelet']))}`,
        ...(this.inventory.hosts.find((h) => h.name === m.node)?.power ? [`${this.power.plan('start', m.node)[0]}  # if ${m.node} is powered off`] : []),
      ]),
      // The hosts are the user's: kdrill never suggests removing them.
    });
  }

  /** The etcd members' hosts: the control planes on stacked etcd, the etcd hosts on external etcd. */
  etcdHostList(): InventoryHost[] {
    return this.inventory.hosts.filter((h) => h.roles.includes('etcd'));
  }

  nodes(): LabNode[] {
    return this.inventory.hosts.map((h) => ({
      name: h.name,
      container: this.spec.transport === 'docker' ? h.container ?? h.name : h.name,
      role: h.roles.includes('control-plane') ? 'control-plane' : h.roles.includes('load-balancer') ? 'load-balancer' : 'worker',
    }));
  }

  private ctx(): ShellContext {
    return { runner: this.env.runner, signal: this.env.signal };
  }

  planUp(): string[] {
    const first = this.etcdHostList()[0]?.name ?? this.inventory.hosts[0]!.name;
    return [
      `# the hosts of ${this.inventory.file}: kdrill never creates or deletes them`,
      ...this.inventory.hosts.map((h) => `${prettyCommand(this.shell.argv(h.name, ['true']))}  # ${h.name} must answer`),
      ...this.etcdHostList().map((h) => `${prettyCommand(this.shell.argv(h.name, ['cat', `${MANIFESTS_DIR}/etcd.yaml`]))}  # its etcd member's client and peer URLs`),
      ...(this.spec.etcdAccess === 'exec'
        ? [`${prettyCommand(this.shell.argv(first, ['crictl', 'ps', '--name', 'etcd', '--state', 'running', '--quiet']))}  # etcdAccess: exec: etcdctl in each member's etcd container`]
        : this.etcdHosts.planCerts()),
      this.inventory.kubeconfig ? `# the Kubernetes API: ${this.inventory.kubeconfig}` : `${prettyCommand(this.shell.argv(this.controlPlanes()[0]?.name ?? first, ['cat', ADMIN_CONF]))} > ${this.kubeconfig}  # if it exists`,
    ];
  }

  planDown(): string[] {
    return ['# nothing: the hosts are yours; kdrill only closes its ssh connections'];
  }

  private controlPlanes(): InventoryHost[] {
    return this.inventory.hosts.filter((h) => h.roles.includes('control-plane'));
  }

  async up(): Promise<UpResult> {
    mkdirSync(this.env.stateDir, { recursive: true });
    const ctx = this.ctx();
    const silent = await Promise.all(this.inventory.hosts.map(async (h) => ((await answers(this.shell, ctx, h.name)) ? undefined : h)));
    const down = silent.filter((h): h is InventoryHost => h !== undefined);
    if (down.length > 0) {
      throw new LabError(`kubeadm host(s) do not answer: ${down.map((h) => `${h.name} (${prettyCommand(this.shell.login(h.name))}${h.power ? `; powered off? ${this.power.plan('start', h.name)[0]}` : ''})`).join(', ')}. kdrill drills on the hosts as they are: bring them up first`);
    }
    for (const h of this.etcdHostList()) {
      const config = await this.members.config(ctx, h.name).catch((err: unknown) => {
        throw new LabError(`${h.name}: cannot read its etcd static Pod (${MANIFESTS_DIR}/etcd.yaml): ${errorMessage(err)}`, false, { cause: err });
      });
      if (!config.clientURL) throw new LabError(`${h.name}: its etcd manifest has no --advertise-client-urls`);
      this.etcdHosts.setUrl(h.name, config.clientURL);
    }
    if (this.spec.etcdAccess === 'auto') {
      // Every member at once: one whose etcd is down (a drill left it stopped) says nothing about the route.
      const urls = this.etcd.members().map((m) => m.url);
      const answered = await Promise.all(urls.map((u) => reachable(u)));
      const answering = urls.filter((_, i) => answered[i]);
      await this.etcd.use(answering.length > 0 ? 'grpc' : 'exec');
      this.env.log(answering.length > 0
        ? `etcd: gRPC to each member's client URL (${answering.join(', ')} answer${answering.length === 1 ? 's' : ''} from here)`
        : `etcd: etcdctl in each member's etcd container (no member's client URL answers from here: ${urls.join(', ') || 'no member'})`);
    }
    // Read once here (a missing cert fails lab up, not the first step); the gRPC clients reuse them.
    if (this.etcd.transport === 'grpc') await this.etcdSource.tls();
    if (!this.inventory.kubeconfig) await this.copyAdminConf(ctx);
    return { created: false, adopted: `the hosts of ${path.basename(this.inventory.file)} (never created or deleted by kdrill)` };
  }

  /** kubeadm's admin.conf from the first control plane that has one, for the Kubernetes API (0600). */
  private async copyAdminConf(ctx: ShellContext): Promise<void> {
    for (const h of this.controlPlanes()) {
      const r = await this.shell.exec(ctx, h.name, ['cat', ADMIN_CONF], { timeoutMs: 15_000, allowFailure: true }).catch(() => undefined);
      if (r?.exitCode === 0 && r.stdout.includes('clusters:')) {
        writeFileSync(this.kubeconfig, r.stdout, { mode: 0o600 });
        return;
      }
    }
  }

  async close(): Promise<void> {
    await this.etcd.close().catch(() => {});
    await this.shell.close?.(this.ctx()).catch(() => {});
  }

  /** Never removes a host: closes connections and forgets what kdrill kept (the admin kubeconfig copy). */
  async down(): Promise<void> {
    await this.close();
    if (existsSync(this.env.stateDir)) rmSync(this.env.stateDir, { recursive: true, force: true });
  }
}

/** SQL on a kubeadm host: psql there, over the host's shell, as the inventory's `postgres:` says. */
function hostSql(shell: HostShell, host: InventoryHost): SqlAccess {
  const pg = host.postgres!;
  const argv = (sql: string, target: SqlTarget) => {
    if (target.pod !== undefined) throw new Error(`on a kubeadm lab PostgreSQL runs on host ${host.name}, not in a pod (pod "${target.pod}"): drop "pod"`);
    return psqlArgs(sql, target.user ?? pg.user, target.database ?? pg.database);
  };
  return {
    plan: (sql, target) => [prettyCommand(shell.argv(host.name, argv(sql, target)))],
    async query(ctx, sql, target) {
      const r = await shell.exec(ctx, host.name, argv(sql, target), { timeoutMs: 30_000 });
      return r.stdout.replace(/\n$/, '');
    },
  };
}
