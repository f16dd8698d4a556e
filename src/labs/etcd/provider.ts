import { existsSync } from 'node:fs';
import { readFile, rm, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { prettyCommand } from '../../exec/errors.js';
import { settleAll } from '../../exec/batch.js';
import { errorMessage, LabError } from '../../engine/errors.js';
import { EtcdAccess, type EtcdMember } from '../../clients/etcd/access.js';
import type { EtcdTls } from '../../clients/etcd/client.js';
import { waitHealthy } from '../../clients/etcd/health.js';
import type { SqlAccess } from '../../clients/sql.js';
import { DockerNodes, DockerShell, containersWithLabel, inspectContainers } from '../docker/index.js';
import { dockerHostKind } from '../docker/host.js';
import type { Lab, LabEnv, LabNode, SafetyNet, UpResult } from '../types.js';
import { EtcdLabMembers } from './member-host.js';
import { ETCD_CLIENT_PORT, ETCDCTL_LOCAL } from '../kubeadm-layout.js';
import { etcdctlInNodes, imageTools } from './tools.js';
import { dockerMachines, safetyNetOf } from '../safety-net.js';
import { makePki, planPki } from './certs.js';
import { memberConfig } from './config.js';
import { copyInArgv, copyOutArgv, createArgv, removeArgv, startArgv, type MemberContainer } from './members.js';
import { createNetwork, inspectNetwork, networkCreateArgv, subnetCandidates } from './network.js';
import { labNodes, networkName, nodeIp, OWNER_LABEL, SHAPE_LABEL, shapeOf, type EtcdLabSpec } from './spec.js';
import { createWorker, planWorkerUp, type WorkerTarget } from './worker.js';
import { workerSql } from './sql.js';
import { chooseAccess, planAccess, type EtcdAccessMode } from './access.js';
import { CLIENT_PORT_KEY, clientPortCandidates, freeClientPorts } from './client-ports.js';

const HEALTHY_TIMEOUT_MS = 30_000;

/** "1 of 3 members running, 1 paused": what adoption found, before it brought anything back. */
export function foundWords(members: number, counts: Record<string, number>): string {
  const [first, ...rest] = Object.entries(counts);
  return [`${first![1]} of ${members} members ${first![0]}`, ...rest.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`)].join(', ');
}

/**
 * The etcd lab: kind-shaped control-plane containers on a network of their own, each running one
 * stacked etcd member with kubeadm's certificates. Node faults and shells through docker, etcd over
 * gRPC with mTLS, member recovery by rewriting each member's config file.
 */
export class EtcdLab implements Lab {
  readonly provider = 'etcd';
  readonly etcdQuotaIsSet = 'on the lab (lab: {quota: 16MiB})';
  readonly network: string;
  readonly nodeOps: DockerNodes;
  readonly shell: DockerShell;
  readonly etcd: EtcdAccess;
  readonly members: EtcdLabMembers;
  readonly sql?: SqlAccess;
  readonly safetyNet: SafetyNet;
  /** The lab network's /24, known once the lab is up (or adopted). */
  subnet?: string;
  /** How kdrill reaches the members: the lab's etcdAccess, or what `auto` chose at lab up. */
  access: EtcdAccessMode;
  /** Each member's client port on the host's 127.0.0.1, by container: picked at create, read back from docker on adoption. */
  private clientPorts = new Map<string, number>();

  constructor(readonly spec: EtcdLabSpec, public env: LabEnv) {
    this.network = networkName(spec.name);
    this.access = spec.etcdAccess === 'auto' ? 'direct' : spec.etcdAccess;
    this.nodeOps = new DockerNodes({
      network: this.network,
      owner: { key: OWNER_LABEL, value: spec.name },
      container: (node) => this.node(node).container,
      expectedIp: (node) => (this.subnet ? this.ipOf(node) : undefined),
    });
    this.shell = new DockerShell(this.nodeOps);
    this.etcd = new EtcdAccess({
      members: () => this.etcdMembers(),
      tls: () => this.tls(),
      tools: imageTools(spec.image),
      etcdctl: { host: etcdctlInNodes(this.shell), env: () => this.env },
    }, spec.etcdAccess === 'exec' ? 'exec' : 'grpc');
    this.members = new EtcdLabMembers(this.nodeOps, this.shell, () => this.spec.image);
    if (spec.worker) this.sql = workerSql(spec.name, spec.worker);
    const members = () => this.controlPlanes().map((n) => ({ node: n.name, container: n.container }));
    this.safetyNet = safetyNetOf({
      name: spec.name, etcd: this.etcd, machines: dockerMachines(this.network, this.nodeOps, this.members), host: this.members, members,
      look: (sick) => [
        ...sick.map((m) => prettyCommand(['docker', 'logs', '--tail', '20', m.container])),
        prettyCommand(['docker', 'exec', members()[0]!.container, 'etcdctl', ...ETCDCTL_LOCAL, 'endpoint', 'status', '--cluster', '-w', 'table']),
      ],
      startOver: `docker rm --force --volumes $(docker ps --all --quiet --filter label=${OWNER_LABEL}=${spec.name})`,
    });
  }

  get name(): string {
    return this.spec.name;
  }

  nodes(): LabNode[] {
    return labNodes(this.spec);
  }

  node(name: string): LabNode {
    const n = this.nodes().find((x) => x.name === name);
    if (!n) throw new LabError(`lab ${this.name} has no node ${name} (nodes: ${this.nodes().map((x) => x.name).join(', ')})`);
    return n;
  }

  controlPlanes(): LabNode[] {
    return this.nodes().filter((n) => n.role === 'control-plane');
  }

  ipOf(node: string): string {
    if (!this.subnet) throw new LabError(`lab ${this.name} is not up: no IPs yet`);
    // The worker takes .100 (control planes count up from .11).
    if (node === 'worker') return nodeIp(this.subnet, 89);
    return nodeIp(this.subnet, this.controlPlanes().findIndex((m) => m.name === node));
  }

  etcdMembers(): EtcdMember[] {
    return this.controlPlanes().map((m) => ({ node: m.name, container: m.container, url: this.clientUrl(m), serverName: m.container }));
  }

  /** Where kdrill dials a member: its IP on the lab network, or its port on 127.0.0.1 (published; the server cert names 127.0.0.1). */
  private clientUrl(m: LabNode): string {
    if (this.access !== 'published') return `https://${this.ipOf(m.name)}:${ETCD_CLIENT_PORT}`;
    const port = this.clientPorts.get(m.container);
    if (!port) throw new LabError(`lab ${this.name} is not up: no client port of ${m.container} known yet`);
    return `https://127.0.0.1:${port}`;
  }

  /** etcdAccess: auto picks direct or published once the members' containers run; said in the run log. */
  private async chooseAccess(): Promise<void> {
    const choice = await chooseAccess(this.spec.etcdAccess, this.controlPlanes().map((m) => this.ipOf(m.name)), this.env.signal);
    this.access = choice.mode;
    this.env.log(`lab ${this.name}: etcd access ${choice.mode} (${choice.why})`);
  }

  get pkiDir(): string {
    return path.join(this.env.stateDir, 'pki');
  }

  async tls(): Promise<EtcdTls> {
    const [ca, cert, key] = await Promise.all(
      ['etcd/ca.crt', 'apiserver-etcd-client.crt', 'apiserver-etcd-client.key'].map((f) => readFile(path.join(this.pkiDir, f))),
    );
    return { ca: ca!, cert: cert!, key: key! };
  }

  private run(argv: string[], timeout = 60_000) {
    return this.env.runner.run(argv, { signal: this.env.signal, timeout });
  }

  /** A command that makes something: a Ctrl-C lets it finish, so that the lab's down sees what it made. */
  private make(argv: string[], timeout = 60_000) {
    return this.env.runner.run(argv, { signal: this.env.signal, timeout, finishOnAbort: true });
  }

  private memberContainer(node: LabNode, i: number, port: number): MemberContainer {
    return { lab: this.name, node, network: this.network, ip: nodeIp(this.subnet!, i), port, image: this.spec.image, shape: shapeOf(this.spec) };
  }

  async up(): Promise<UpResult> {
    const t0 = performance.now();
    try {
      const image = await this.env.runner.run(['docker', 'image', 'inspect', '--format', '{{.Id}}', this.spec.image], { signal: this.env.signal, timeout: 15_000, allowFailure: true });
      if (image.exitCode !== 0) {
        const how = this.spec.image.startsWith('kdrill/') ? 'build it with scripts/build-etcd-image.sh' : `docker pull ${this.spec.image}`;
        throw new LabError(`image ${this.spec.image} not found (${(image.stderr || image.stdout).trim()}): ${how}`);
      }
      const found = this.spec.reuse ? await this.adopt() : undefined;
      if (found !== undefined) {
        // Every container of it carries kdrill's label: it is kdrill's, left by an earlier run (kept or
        // aborted). This run owns it now, and removes it at the end unless `keep: true`.
        const adopted = `left by an earlier run: ${found}`;
        this.env.log(`lab ${this.name}: adopted the lab ${adopted} (${Math.round(performance.now() - t0)} ms)`);
        return { created: true, adopted };
      }
      await this.create();
      this.env.log(`lab ${this.name}: ${this.spec.members} members up in ${Math.round(performance.now() - t0)} ms`);
      return { created: true };
    } catch (err) {
      if (this.env.signal.aborted || err instanceof LabError) throw err;
      throw new LabError(`lab ${this.name} did not come up: ${errorMessage(err)}`, false, { cause: err });
    }
  }

  /**
   * Adopts a left-over lab of the same shape; removes one of another shape. Returns what it found
   * ("2 of 3 members running, 1 paused"), or undefined when there was nothing to adopt.
   */
  private async adopt(): Promise<string | undefined> {
    const expected = this.nodes().map((n) => n.container);
    const [net, owned, found] = await Promise.all([
      inspectNetwork(this.env.runner, this.network, this.env.signal),
      containersWithLabel(this.env.runner, `${OWNER_LABEL}=${this.name}`, this.env.signal),
      inspectContainers(this.env.runner, this.nodes().map((n) => n.container), this.env.signal),
    ]);
    if (net && net.owner !== this.name) throw new LabError(`a docker network named ${this.network} exists without the label ${OWNER_LABEL}=${this.name}: kdrill will not touch it`);
    for (const [name, c] of found) {
      if (c.labels[OWNER_LABEL] !== this.name) throw new LabError(`a container named ${name} exists without the label ${OWNER_LABEL}=${this.name}: kdrill will not touch it; remove or rename it`);
    }
    if (!net && owned.length === 0) return undefined;
    const members = this.controlPlanes().map((m) => m.container);
    const sameShape = net !== undefined && members.every((c) => found.get(c)?.labels[SHAPE_LABEL] === shapeOf(this.spec));
    if (!sameShape) {
      this.env.log(`lab ${this.name}: a left-over lab of another shape (or incomplete) is removed and recreated`, 'warn');
      await this.remove();
      return undefined;
    }
    const ports = members.map((c) => found.get(c)!.hostPorts[CLIENT_PORT_KEY]);
    if (ports.some((p) => p === undefined)) {
      this.env.log(`lab ${this.name}: a left-over lab without published client ports (made by an older kdrill) is removed and recreated`, 'warn');
      await this.remove();
      return undefined;
    }
    this.clientPorts = new Map(members.map((c, i) => [c, ports[i]!]));
    this.subnet = net.subnet;
    const seen = members.map((c) => found.get(c)!);
    const said = foundWords(seen.length, {
      running: seen.filter((c) => c.running && !c.paused).length,
      paused: seen.filter((c) => c.paused).length,
      'off the network': seen.filter((c) => !c.networks.includes(this.network)).length,
    });
    for (const c of expected.filter((x) => members.includes(x))) {
      const info = found.get(c)!;
      const node = this.nodes().find((n) => n.container === c)!;
      if (info.paused) await this.run(['docker', 'unpause', c]);
      if (!info.networks.includes(this.network)) await this.run(this.nodeOps.argv('heal', node.name, { ip: this.ipOf(node.name) }));
      if (!info.running) await this.run(startArgv([c]));
    }
    // Outside the try below: a lab that no access reaches is not made healthier by recreating it.
    await this.chooseAccess();
    try {
      await this.copyPkiOut();
      await this.waitHealthy();
      await this.upWorker();
      return said;
    } catch (err) {
      this.env.log(`lab ${this.name}: the left-over lab (${said}) is not healthy (${errorMessage(err)}): removed and recreated`, 'warn');
      await this.remove();
      this.subnet = undefined;
      return undefined;
    }
  }

  /** The lab as it stands: its subnet, client ports and PKI read back; no member started, none removed. */
  async attach(): Promise<string | undefined> {
    const net = await inspectNetwork(this.env.runner, this.network, this.env.signal);
    if (!net || net.owner !== this.name) return undefined;
    const members = this.controlPlanes().map((m) => m.container);
    const found = await inspectContainers(this.env.runner, members, this.env.signal);
    const seen = members.flatMap((c) => {
      const info = found.get(c);
      return info && info.labels[OWNER_LABEL] === this.name ? [info] : [];
    });
    if (seen.length === 0) return undefined;
    this.subnet = net.subnet;
    this.clientPorts = new Map(seen.flatMap((c) => (c.hostPorts[CLIENT_PORT_KEY] ? [[c.name, c.hostPorts[CLIENT_PORT_KEY]] as const] : [])));
    // docker cp reads a stopped container too: the client keys are there as long as one member is.
    if (!existsSync(path.join(this.pkiDir, 'etcd', 'ca.crt'))) {
      await mkdir(this.env.stateDir, { recursive: true });
      await this.run(copyOutArgv(seen[0]!.name, this.env.stateDir));
    }
    await this.chooseAccess();
    return foundWords(members.length, {
      running: seen.filter((c) => c.running && !c.paused).length,
      paused: seen.filter((c) => c.paused).length,
      missing: members.length - seen.length,
    });
  }

  private async create(): Promise<void> {
    try {
      const net = await inspectNetwork(this.env.runner, this.network, this.env.signal);
      // A labelled network still in use by a stranger (see remove) is ours to reuse.
      this.subnet = net?.owner === this.name && net.subnet ? net.subnet : await createNetwork(this.env.runner, this.network, this.name, this.env.signal);
      const ports = await freeClientPorts(this.name, this.spec.members);
      const members = this.controlPlanes().map((n, i) => this.memberContainer(n, i, ports[i]!));
      this.clientPorts = new Map(members.map((m) => [m.node.container, m.port]));
      const build = path.join(this.env.stateDir, 'build');
      await rm(build, { recursive: true, force: true });
      const folders = await makePki(build, members.map((m) => ({ container: m.node.container, ip: m.ip })));
      const initialCluster = members.map((m) => `${m.node.container}=https://${m.ip}:2380`).join(',');
      const token = `${this.name}-${shapeOf(this.spec)}-${Date.now().toString(36)}`;
      await settleAll(members.map(async (m) => {
        const folder = folders.get(m.node.container)!;
        await writeFile(path.join(folder, 'etcd.yaml'), memberConfig(this.spec, { name: m.node.container, ip: m.ip, initialCluster }, token));
        await this.make(createArgv(m));
        await this.run(copyInArgv(folder, m.node.container));
      }));
      // One `docker start` per member, at once: docker starts the names of one command one by one,
      // and the first member waits for its peers anyway. The PKI comes out meanwhile.
      await settleAll<unknown>([...members.map((m) => this.run(startArgv([m.node.container]))), this.copyPkiOut()]);
      // The members have their keys, and the CA key is needed by no one after this: none stay on disk.
      await rm(build, { recursive: true, force: true });
      await this.chooseAccess();
      await this.waitHealthy();
      await this.upWorker();
    } catch (err) {
      // Whatever this attempt made goes; a half-made lab must not be adopted by the next run. After a
      // Ctrl-C this signal is spent: the engine's lab down removes it, with a signal of its own.
      if (!this.env.signal.aborted) await this.remove().catch((e) => this.env.log(`lab ${this.name}: cleanup after a failed up: ${errorMessage(e)}`, 'warn'));
      throw err;
    }
  }

  private workerTarget(): WorkerTarget | undefined {
    return this.spec.worker && { lab: this.name, network: this.network, ip: this.subnet ? this.ipOf('worker') : undefined, spec: this.spec.worker };
  }

  /** issue 4's worker with app data (created, or adopted when left over); removed with the lab by its label. */
  private async upWorker(): Promise<void> {
    const t = this.workerTarget();
    if (t) await createWorker({ runner: this.env.runner, signal: this.env.signal, log: this.env.log }, t);
  }

  private async copyPkiOut(): Promise<void> {
    await rm(this.pkiDir, { recursive: true, force: true });
    await mkdir(this.env.stateDir, { recursive: true });
    await this.run(copyOutArgv(this.controlPlanes()[0]!.container, this.env.stateDir));
    await this.etcd.close();
  }

  /** Every member answers and they agree on one leader. */
  async waitHealthy(timeoutMs = HEALTHY_TIMEOUT_MS): Promise<void> {
    try {
      await waitHealthy(this.etcd, this.env.signal, timeoutMs, `lab ${this.name}: etcd`);
    } catch (err) {
      if (this.env.signal.aborted) throw err;
      const host = this.access === 'published' ? dockerHostKind() : undefined;
      const why = host?.kind === 'remote' ? `; ${host.words} publishes the client ports on its own loopback, not this machine's: set etcdAccess: exec` : '';
      throw new LabError(`${errorMessage(err)}${why}; try: docker logs ${this.controlPlanes()[0]!.container}`);
    }
  }

  async close(): Promise<void> {
    await this.etcd.close();
  }

  async down(_opts: { force?: boolean } = {}): Promise<void> {
    await this.etcd.close();
    await this.remove();
  }

  /** Removes every container carrying the lab's label, then its network (only if it carries it too). */
  private async remove(): Promise<void> {
    await this.etcd.close();
    const owned = await containersWithLabel(this.env.runner, `${OWNER_LABEL}=${this.name}`, this.env.signal);
    if (owned.length > 0) await this.run(removeArgv(owned));
    const net = await inspectNetwork(this.env.runner, this.network, this.env.signal);
    if (net && net.owner !== this.name) {
      this.env.log(`network ${this.network} is not labelled ${OWNER_LABEL}=${this.name}: left alone`, 'warn');
    } else if (net) {
      const r = await this.env.runner.run(['docker', 'network', 'rm', this.network], { signal: this.env.signal, timeout: 30_000, allowFailure: true });
      // Containers kdrill does not own still use it: they are left alone, and so is the network.
      if (r.exitCode !== 0 && /active endpoints/.test(r.stderr)) this.env.log(`network ${this.network} left in place: containers without the lab label still use it`, 'warn');
      else if (r.exitCode !== 0) throw new LabError(`could not remove network ${this.network}: ${r.stderr.trim()}`);
    }
    // The lab is gone, and with it what kdrill kept of it on this machine: its client keys and certificates.
    await rm(this.env.stateDir, { recursive: true, force: true });
  }

  planUp(): string[] {
    const subnet = subnetCandidates(this.name)[0]!;
    const lab = new EtcdLab(this.spec, this.env);
    lab.subnet = subnet;
    const ports = clientPortCandidates(this.name, this.spec.members)[0]!;
    const members = this.controlPlanes().map((n, i) => lab.memberContainer(n, i, ports[i]!));
    const build = path.join(this.env.stateDir, 'build');
    return [
      `# adopt a left-over lab labelled ${OWNER_LABEL}=${this.name} of the same shape${this.spec.reuse ? '' : ' (reuse: false: remove it)'}; else:`,
      `${prettyCommand(networkCreateArgv(this.network, this.name, subnet))}  # next free /24 on "Pool overlaps"`,
      `# client ports published on 127.0.0.1: ${ports.join(', ')} (the next block of ${this.spec.members} if one is taken)`,
      ...planPki(build, members.map((m) => ({ container: m.node.container, ip: m.ip }))),
      ...members.flatMap((m) => [prettyCommand(createArgv(m)), prettyCommand(copyInArgv(path.join(build, m.node.container, 'kubernetes'), m.node.container))]),
      prettyCommand(startArgv(members.map((m) => m.node.container))),
      prettyCommand(copyOutArgv(members[0]!.node.container, this.env.stateDir)),
      ...(this.spec.worker ? planWorkerUp({ lab: this.name, network: this.network, ip: nodeIp(subnet, 89), spec: this.spec.worker }) : []),
      `# etcd access: ${planAccess(this.spec.etcdAccess)}`,
      `# until every member answers Status over mTLS and all name one leader (at most ${HEALTHY_TIMEOUT_MS / 1000} s)`,
    ];
  }

  planDown(): string[] {
    return [
      `docker rm --force --volumes $(docker ps --all --quiet --filter label=${OWNER_LABEL}=${this.name})`,
      `docker network rm ${this.network}  # only if labelled ${OWNER_LABEL}=${this.name}`,
    ];
  }
}
