import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandRunner } from '../../exec/runner.js';

/**
 * kubeadm's etcd certificates, made with `openssl` on the host from a CA of the lab's own:
 * pki/etcd/{ca,server,peer,healthcheck-client}.{crt,key} and pki/apiserver-etcd-client.{crt,key}.
 * EC P-256 keys instead of kubeadm's RSA 2048: the same TLS for etcd, a hundredth of the time.
 */

export interface CertNode {
  /** Container name = hostname = member name. */
  container: string;
  ip: string;
}

const DAYS = '3650';

export function opensslConfig(nodes: CertNode[]): string {
  const lines = [
    '[req]', 'distinguished_name = dn', 'prompt = no', '[dn]',
    '[ca]', 'basicConstraints = critical,CA:TRUE', 'keyUsage = critical,keyCertSign,cRLSign,digitalSignature,keyEncipherment',
    'subjectKeyIdentifier = hash',
    '[client]', 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage = clientAuth', 'authorityKeyIdentifier = keyid',
  ];
  for (const [i, n] of nodes.entries()) {
    // server and peer certs of a member carry the same names, as kubeadm's do.
    lines.push(
      `[member${i}]`, 'basicConstraints = critical,CA:FALSE', 'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth,clientAuth', 'authorityKeyIdentifier = keyid',
      `subjectAltName = DNS:${n.container},DNS:localhost,IP:127.0.0.1,IP:::1,IP:${n.ip}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function reqArgv(dir: string, out: string, cn: string, extensions: string, signed: boolean): string[] {
  return [
    'openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${out}.key`, '-out', `${out}.crt`, '-days', DAYS, '-subj', `/CN=${cn}`,
    ...(signed ? ['-CA', path.join(dir, 'ca.crt'), '-CAkey', path.join(dir, 'ca.key')] : []),
    '-config', path.join(dir, 'openssl.cnf'), '-extensions', extensions,
  ];
}

/** The commands, in order (the CA first), for --dry-run. */
export function pkiCommands(dir: string, nodes: CertNode[]): string[][] {
  return [
    reqArgv(dir, path.join(dir, 'ca'), 'etcd-ca', 'ca', false),
    reqArgv(dir, path.join(dir, 'healthcheck-client'), 'kube-etcd-healthcheck-client', 'client', true),
    reqArgv(dir, path.join(dir, 'apiserver-etcd-client'), 'kube-apiserver-etcd-client', 'client', true),
    ...nodes.flatMap((n, i) => [
      reqArgv(dir, path.join(dir, n.container, 'server'), n.container, `member${i}`, true),
      reqArgv(dir, path.join(dir, n.container, 'peer'), n.container, `member${i}`, true),
    ]),
  ];
}

/**
 * Makes the lab's PKI in `dir` and lays out, for each node, the tree to `docker cp` into
 * /etc/kubernetes: `dir/<container>/kubernetes/pki/…`. Returns each node's folder.
 */
export async function makePki(runner: CommandRunner, signal: AbortSignal, dir: string, nodes: CertNode[]): Promise<Map<string, string>> {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'openssl.cnf'), opensslConfig(nodes));
  for (const n of nodes) await mkdir(path.join(dir, n.container), { recursive: true });
  const [ca, ...rest] = pkiCommands(dir, nodes);
  const run = (argv: string[]) => runner.run(argv, { signal, timeout: 30_000 });
  await run(ca!);
  await Promise.all(rest.map(run));
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
