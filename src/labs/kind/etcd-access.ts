import { mkdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '../../exec/runner.js';
import type { LabNode } from '../types.js';
import { certCopyArgv, certFilesIn, etcdctlExecArgv, findEtcdContainerArgv, memberUrl, parseContainerId, type EtcdAccessMode } from './etcd.js';

export interface KindEtcdMember {
  node: string;
  container: string;
  url: string;
}

export interface KindEtcdEnv {
  runner: CommandRunner;
  signal: AbortSignal;
}

/** The etcd image kind's node runs (kind v0.24+, Kubernetes 1.31); used for throw-away etcdctl/etcdutl containers. */
export const KIND_ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.15-0';

/**
 * etcd access on kind (`lab.get('etcd')`): the members on their node IPs with the certs copied out
 * of a control-plane node (direct), or etcdctl through `docker exec … crictl exec` (exec).
 * `ops` is the shape the maintenance modules ask for (src/labs/etcd/ops-access.ts).
 */
export class KindEtcd {
  private ips = new Map<string, string>();
  private pkiDir: string;
  private copied = false;
  readonly image = KIND_ETCD_IMAGE;

  constructor(readonly mode: EtcdAccessMode, private readonly controlPlanes: () => LabNode[], stateDir: string, private readonly env: () => KindEtcdEnv) {
    this.pkiDir = path.join(stateDir, 'etcd-pki');
  }

  get ops(): this {
    return this;
  }

  /** Remembers the control-plane IPs (read at lab up, and again after a node is back). */
  setIp(container: string, ip: string): void {
    this.ips.set(container, ip);
  }

  members(): KindEtcdMember[] {
    return this.controlPlanes().map((n) => ({ node: n.name, container: n.container, url: memberUrl(this.ips.get(n.container) ?? `<${n.container} IP>`) }));
  }

  certFiles() {
    return certFilesIn(this.pkiDir);
  }

  /** `docker cp <first control-plane>:/etc/kubernetes/pki/etcd/. <state>/etcd-pki` (once a run). */
  async copyCerts(): Promise<void> {
    const { runner, signal } = this.env();
    const from = this.controlPlanes()[0];
    if (!from) throw new Error('no control-plane node to copy etcd certificates from');
    rmSync(this.pkiDir, { recursive: true, force: true });
    mkdirSync(this.pkiDir, { recursive: true, mode: 0o700 });
    await runner.run(certCopyArgv(from.container, this.pkiDir), { signal, timeout: 30_000 });
    this.copied = true;
  }

  async tls(): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }> {
    if (!this.copied) await this.copyCerts();
    const f = this.certFiles();
    const [ca, cert, key] = await Promise.all([readFile(f.ca), readFile(f.cert), readFile(f.key)]);
    return { ca, cert, key };
  }

  planCerts(): string[] {
    const from = this.controlPlanes()[0]?.container ?? '<control-plane>';
    return [`mkdir -p ${this.pkiDir}`, certCopyArgv(from, this.pkiDir).join(' ')];
  }

  /** Docker Desktop path: etcdctl in the node's etcd container, JSON out. */
  async etcdctl(node: string, args: readonly string[]): Promise<string> {
    const { runner, signal } = this.env();
    const found = await runner.run(findEtcdContainerArgv(node), { signal, timeout: 15_000 });
    const id = parseContainerId(found.stdout);
    if (!id) throw new Error(`no running etcd container in ${node} (crictl ps --name etcd)`);
    return (await runner.run(etcdctlExecArgv(node, id, args), { signal, timeout: 30_000 })).stdout;
  }
}
