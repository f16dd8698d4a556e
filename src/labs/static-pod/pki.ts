/**
 * kubeadm's certificates on a control plane, by kubeadm's own names (those `kubeadm certs
 * check-expiration` prints), and the pure parsers of what the hosts answer about them: `kubeadm
 * version -o short`, `kubeadm certs check-expiration -o json` (CertificateExpirationInfo,
 * output.kubeadm.k8s.io/v1alpha3, Kubernetes ≥ 1.30) and `openssl x509 -noout -enddate -serial`.
 * Nothing here reads a key: a key's path is only ever handed to openssl on the host.
 */

export const PKI = '/etc/kubernetes/pki';

export interface KubeadmCa {
  /** kubeadm's name: ca, etcd-ca, front-proxy-ca. */
  name: string;
  crt: string;
  key: string;
}

export interface KubeadmLeaf {
  /** kubeadm's name: apiserver, etcd-server, … */
  name: string;
  crt: string;
  key: string;
  /** The CA (kubeadm's name) that signs it. */
  ca: string;
}

export const KUBEADM_CAS: readonly KubeadmCa[] = [
  { name: 'ca', crt: `${PKI}/ca.crt`, key: `${PKI}/ca.key` },
  { name: 'etcd-ca', crt: `${PKI}/etcd/ca.crt`, key: `${PKI}/etcd/ca.key` },
  { name: 'front-proxy-ca', crt: `${PKI}/front-proxy-ca.crt`, key: `${PKI}/front-proxy-ca.key` },
];

const leaf = (name: string, base: string, ca: string): KubeadmLeaf => ({ name, crt: `${PKI}/${base}.crt`, key: `${PKI}/${base}.key`, ca });

/** The certificates `kubeadm certs renew all` renews that are files in the PKI (the kubeconfig files' are not). */
export const KUBEADM_LEAVES: readonly KubeadmLeaf[] = [
  leaf('apiserver', 'apiserver', 'ca'),
  leaf('apiserver-kubelet-client', 'apiserver-kubelet-client', 'ca'),
  leaf('front-proxy-client', 'front-proxy-client', 'front-proxy-ca'),
  leaf('apiserver-etcd-client', 'apiserver-etcd-client', 'etcd-ca'),
  leaf('etcd-server', 'etcd/server', 'etcd-ca'),
  leaf('etcd-peer', 'etcd/peer', 'etcd-ca'),
  leaf('etcd-healthcheck-client', 'etcd/healthcheck-client', 'etcd-ca'),
];

export function caOf(l: KubeadmLeaf): KubeadmCa {
  return KUBEADM_CAS.find((c) => c.name === l.ca)!;
}

/** One certificate's expiry as a host told it. */
export interface CertExpiry {
  name: string;
  /** A certificate authority (kubeadm certs renew does not renew those). */
  ca: boolean;
  notAfter: Date;
  /** openssl's serial (hex); kubeadm's JSON has none. */
  serial?: string;
  /** kubeadm: the certificate is managed outside kubeadm (an external CA): renew leaves it. */
  externallyManaged?: boolean;
}

/** What `kubeadm certs check-expiration -o json` told: the certificates present, and those kubeadm misses. */
export interface KubeadmExpiry {
  certs: CertExpiry[];
  missing: string[];
}

/** kubeadm ≥ 1.30 prints check-expiration as JSON (`-o json`); older ones only as a table. */
export const KUBEADM_JSON_SINCE = { major: 1, minor: 30 } as const;

export interface KubeadmVersion {
  text: string;
  major: number;
  minor: number;
}

/** `kubeadm version -o short`: `v1.31.0`. Undefined when it is not a version. */
export function parseKubeadmVersion(stdout: string): KubeadmVersion | undefined {
  const m = /^v?(\d+)\.(\d+)\.\d+\S*$/.exec(stdout.trim());
  return m ? { text: stdout.trim(), major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export function kubeadmPrintsJson(v: KubeadmVersion): boolean {
  return v.major > KUBEADM_JSON_SINCE.major || (v.major === KUBEADM_JSON_SINCE.major && v.minor >= KUBEADM_JSON_SINCE.minor);
}

type JsonCert = { name?: unknown; expirationDate?: unknown; missing?: unknown; externallyManaged?: unknown };

/**
 * `kubeadm certs check-expiration -o json`: certificates[] and certificateAuthorities[], each
 * {name, expirationDate (RFC 3339, UTC), residualTime (seconds), externallyManaged, caName, missing}.
 * The date is taken, not residualTime: it does not age between the host's clock and this one.
 */
export function parseCheckExpiration(stdout: string): KubeadmExpiry {
  const start = stdout.indexOf('{');
  let doc: { kind?: unknown; certificates?: unknown; certificateAuthorities?: unknown };
  try {
    doc = JSON.parse(start < 0 ? stdout : stdout.slice(start)) as typeof doc;
  } catch (err) {
    throw new Error(`kubeadm certs check-expiration -o json printed no JSON: ${(err as Error).message} (${JSON.stringify(stdout.trim().slice(0, 80))})`);
  }
  if (doc.kind !== undefined && doc.kind !== 'CertificateExpirationInfo') throw new Error(`kubeadm certs check-expiration -o json printed a ${String(doc.kind)}, not a CertificateExpirationInfo`);
  if (!Array.isArray(doc.certificates)) throw new Error('kubeadm certs check-expiration -o json: no certificates[] in its answer');
  const out: KubeadmExpiry = { certs: [], missing: [] };
  const take = (list: unknown, ca: boolean) => {
    for (const c of (Array.isArray(list) ? list : []) as JsonCert[]) {
      if (typeof c.name !== 'string' || c.name === '') throw new Error(`kubeadm certs check-expiration -o json: a certificate without a name (${JSON.stringify(c)})`);
      if (c.missing === true) {
        out.missing.push(c.name);
        continue;
      }
      const notAfter = typeof c.expirationDate === 'string' ? new Date(c.expirationDate) : undefined;
      if (!notAfter || Number.isNaN(notAfter.getTime())) throw new Error(`kubeadm certs check-expiration -o json: ${c.name} has no expirationDate (${JSON.stringify(c.expirationDate)})`);
      out.certs.push({ name: c.name, ca, notAfter, ...(c.externallyManaged === true ? { externallyManaged: true } : {}) });
    }
  };
  take(doc.certificates, false);
  take(doc.certificateAuthorities, true);
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * `openssl x509 -noout -enddate [-serial]`: `notAfter=Dec  2 11:12:31 2027 GMT` (openssl's only
 * date form before 3.0's -dateopt), and `serial=0123…` when asked, in either order.
 */
export function parseEnddate(stdout: string): { notAfter: Date; serial?: string } {
  const m = /^notAfter=([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4}) GMT$/m.exec(stdout);
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) throw new Error(`openssl printed no notAfter= date: ${JSON.stringify(stdout.trim().slice(0, 80))}`);
  const notAfter = new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
  const serial = /^serial=([0-9A-Fa-f]+)$/m.exec(stdout)?.[1];
  return { notAfter, ...(serial ? { serial: serial.toUpperCase() } : {}) };
}

const DAY_MS = 86_400_000;

/** Whole days left (negative once expired): 19.9 days left is 19, as an operator counts them. */
export function daysLeft(notAfter: Date, now: Date): number {
  return Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS);
}

/** The date part, as kubeadm's table would not (it prints `Dec 22, 2026 11:12 UTC`): 2026-12-22. */
export const isoDay = (d: Date): string => d.toISOString().slice(0, 10);
