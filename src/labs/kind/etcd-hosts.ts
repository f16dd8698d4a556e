import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EtcdMember } from '../../clients/etcd/access.js';
import type { EtcdTls } from '../../clients/etcd/client.js';
import { prettyCommand } from '../../exec/errors.js';
import type { EtcdEnv, EtcdHosts } from '../static-pod/etcd-source.js';
import type { LabNode } from '../types.js';
import { certCopyArgv, certFilesIn, memberUrl } from './etcd.js';

/**
 * Where kind's etcd members are: each control-plane node's IP on the kind network (read at lab up,
 * and again whenever a node operation sees the node, so a node started later is found on its IP),
 * and the client certs copied out of the first control plane with `docker cp`.
 */
export class KindEtcdHosts implements EtcdHosts {
  private ips = new Map<string, string>();
  private readonly pkiDir: string;

  constructor(private readonly controlPlanes: () => LabNode[], stateDir: string) {
    this.pkiDir = path.join(stateDir, 'etcd-pki');
  }

  /** Remembers a control plane's IP on the kind network (lab up, and every node operation that sees it). */
  setIp(container: string, ip: string | undefined): void {
    if (ip) this.ips.set(container, ip);
  }

  members(): EtcdMember[] {
    return this.controlPlanes().map((n) => ({
      node: n.name, container: n.container, url: memberUrl(this.ips.get(n.container) ?? `<${n.container} IP>`),
      // kubeadm's etcd server cert names the node: TLS to the IP, checked against that name.
      serverName: n.container,
    }));
  }

  async readCerts({ runner, signal }: EtcdEnv): Promise<EtcdTls> {
    const from = this.controlPlanes()[0];
    if (!from) throw new Error('no control-plane node to copy etcd certificates from');
    await rm(this.pkiDir, { recursive: true, force: true });
    await mkdir(this.pkiDir, { recursive: true, mode: 0o700 });
    await runner.run(certCopyArgv(from.container, this.pkiDir), { signal, timeout: 30_000 });
    const f = certFilesIn(this.pkiDir);
    const [ca, cert, key] = await Promise.all([readFile(f.ca), readFile(f.cert), readFile(f.key)]);
    return { ca, cert, key };
  }

  planCerts(): string[] {
    const from = this.controlPlanes()[0]?.container ?? '<control-plane>';
    return [`mkdir -p ${this.pkiDir}`, prettyCommand(certCopyArgv(from, this.pkiDir))];
  }

  copyInPlan(node: string, file: string, nodePath: string): string {
    const c = this.controlPlanes().find((n) => n.name === node)?.container ?? '<node>';
    return prettyCommand(['docker', 'cp', file, `${c}:${nodePath}`]);
  }
}
