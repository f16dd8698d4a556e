import type { EtcdMember } from '../../clients/etcd/access.js';
import type { EtcdTls } from '../../clients/etcd/client.js';
import { prettyCommand } from '../../exec/errors.js';
import { connect } from '../etcd/access.js';
import { PKI_DIR } from '../kubeadm-layout.js';
import type { EtcdEnv, EtcdHosts } from '../static-pod/etcd-source.js';
import type { InventoryHost } from './inventory.js';
import type { HostShell } from './hosts.js';

/** kubeadm's etcd CA and the server pair (it carries client auth too), as the chapter's etcdctl uses them. */
const CERT_FILES = { ca: `${PKI_DIR}/ca.crt`, cert: `${PKI_DIR}/server.crt`, key: `${PKI_DIR}/server.key` } as const;

/**
 * Where a kubeadm lab's etcd members are: each etcd host's client URL as its manifest advertises it
 * (read at lab up), and the client certs read over the host's shell (`cat`), kept in memory only:
 * never written to disk, printed or put in a report.
 */
export class KubeadmEtcdHosts implements EtcdHosts {
  private urls = new Map<string, string>();

  constructor(private readonly hosts: () => InventoryHost[], private readonly shell: HostShell) {}

  setUrl(node: string, url: string): void {
    this.urls.set(node, url);
  }

  members(): EtcdMember[] {
    // kubeadm's etcd server cert always names `localhost` (beside the node name and IPs, which
    // the inventory's names need not match): the cert is checked against it and the etcd CA.
    // A TLS name that is an IP is what Node warns against (DEP0123).
    return this.hosts().map((h) => ({ node: h.name, container: h.name, url: this.urls.get(h.name) ?? `<${h.name} client URL>`, serverName: 'localhost' }));
  }

  async readCerts({ runner, signal }: EtcdEnv): Promise<EtcdTls> {
    const why: string[] = [];
    for (const h of this.hosts()) {
      try {
        const read = async (file: string) => Buffer.from((await this.shell.exec({ runner, signal }, h.name, ['cat', file], { timeoutMs: 15_000 })).stdout);
        return { ca: await read(CERT_FILES.ca), cert: await read(CERT_FILES.cert), key: await read(CERT_FILES.key) };
      } catch (err) {
        why.push(`${h.name}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
    }
    throw new Error(`cannot read kubeadm's etcd client certificates (${Object.values(CERT_FILES).join(', ')}) on any etcd host: ${why.join('; ')}`);
  }

  planCerts(): string[] {
    const first = this.hosts()[0]?.name ?? 'cp1';
    return Object.values(CERT_FILES).map((f) => `${prettyCommand(this.shell.argv(first, ['cat', f]))}  # kept in memory, never written or printed`);
  }

  copyInPlan(node: string, file: string, nodePath: string): string {
    return `${prettyCommand(this.shell.argv(node, ['sh', '-c', 'cat > "$1"', 'sh', nodePath]))} < ${prettyCommand([file])}`;
  }
}

/** Whether a TCP connection to the URL's host and port opens within `ms` (etcdAccess: auto). */
export async function reachable(url: string, ms = 1_500): Promise<boolean> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return (await connect(u.hostname.replace(/^\[|\]$/g, ''), Number(u.port || 2379), ms)).ok;
}
