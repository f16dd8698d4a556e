import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { certPem, issue, keyPem, KEY_USAGE, type CertSpec, type Issued } from './x509.js';

/**
 * kubeadm's etcd certificates, made in-process (./x509.ts) from a CA of the lab's own:
 * pki/etcd/{ca,server,peer,healthcheck-client}.{crt,key} and pki/apiserver-etcd-client.{crt,key}.
 * EC P-256 keys instead of kubeadm's RSA 2048: the same TLS for etcd, a hundredth of the time.
 */

export interface CertNode {
  /** Container name = hostname = member name. */
  container: string;
  ip: string;
}

const DAYS = 3650;
const { digitalSignature, keyEncipherment, keyCertSign, cRLSign } = KEY_USAGE;

const CA: CertSpec = { cn: 'etcd-ca', ca: true, keyUsage: [digitalSignature, keyEncipherment, keyCertSign, cRLSign], days: DAYS };
const client = (cn: string): CertSpec => ({ cn, keyUsage: [digitalSignature, keyEncipherment], extKeyUsage: ['clientAuth'], days: DAYS });
/** A member's server and peer certs carry the same names, as kubeadm's do. */
const member = (n: CertNode): CertSpec => ({
  cn: n.container, keyUsage: [digitalSignature, keyEncipherment], extKeyUsage: ['serverAuth', 'clientAuth'],
  altNames: [n.container, 'localhost', '127.0.0.1', '::1', n.ip], days: DAYS,
});

async function save(file: string, issued: Issued): Promise<void> {
  await writeFile(`${file}.crt`, certPem(issued.cert), { mode: 0o644 });
  await writeFile(`${file}.key`, keyPem(issued.key), { mode: 0o600 });
}

/** What --dry-run shows for the PKI: what is made, where, with which names. */
export function planPki(dir: string, nodes: CertNode[]): string[] {
  return [
    `# PKI, made in-process (EC P-256, ${DAYS} days): etcd CA ${path.join(dir, 'ca.crt')}; clients kube-etcd-healthcheck-client, kube-apiserver-etcd-client`,
    ...nodes.map((n) => `#   server + peer for ${n.container}: DNS:${n.container}, DNS:localhost, IP:127.0.0.1, IP:::1, IP:${n.ip}`),
  ];
}

/**
 * Makes the lab's PKI in `dir` and lays out, for each node, the tree to `docker cp` into
 * /etc/kubernetes: `dir/<container>/kubernetes/pki/…`. Returns each node's folder.
 */
export async function makePki(dir: string, nodes: CertNode[]): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true });
  const ca = issue(CA);
  await Promise.all([
    save(path.join(dir, 'ca'), ca),
    save(path.join(dir, 'healthcheck-client'), issue(client('kube-etcd-healthcheck-client'), ca)),
    save(path.join(dir, 'apiserver-etcd-client'), issue(client('kube-apiserver-etcd-client'), ca)),
    ...nodes.map(async (n) => {
      await mkdir(path.join(dir, n.container), { recursive: true });
      await save(path.join(dir, n.container, 'server'), issue(member(n), ca));
      await save(path.join(dir, n.container, 'peer'), issue(member(n), ca));
    }),
  ]);
  const out = new Map<string, string>();
  for (const n of nodes) {
    const root = path.join(dir, n.container, 'kubernetes');
    const etcd = path.join(root, 'pki', 'etcd');
    await mkdir(etcd, { recursive: true });
    const copies: Array<[string, string]> = [
      [path.join(dir, 'ca.crt'), path.join(etcd, 'ca.crt')],
      [path.join(dir, 'ca.key'), path.join(etcd, 'ca.key')],
      [path.join(dir, 'healthcheck-client.crt'), path.join(etcd, 'healthcheck-client.crt')],
      [path.join(dir, 'healthcheck-client.key'), path.join(etcd, 'healthcheck-client.key')],
      [path.join(dir, 'apiserver-etcd-client.crt'), path.join(root, 'pki', 'apiserver-etcd-client.crt')],
      [path.join(dir, 'apiserver-etcd-client.key'), path.join(root, 'pki', 'apiserver-etcd-client.key')],
      ...(['server', 'peer'] as const).flatMap((k): Array<[string, string]> => [
        [path.join(dir, n.container, `${k}.crt`), path.join(etcd, `${k}.crt`)],
        [path.join(dir, n.container, `${k}.key`), path.join(etcd, `${k}.key`)],
      ]),
    ];
    await Promise.all(copies.map(([a, b]) => copyFile(a, b)));
    out.set(n.container, root);
  }
  return out;
}
