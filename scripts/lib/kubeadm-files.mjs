// The files `kubeadm init` / `kubeadm join --control-plane` write on a control plane, made for kdrill's
// test labs: the kind CLI TEST DOUBLE (test/fakes/kind/kind) and the kubeadm test hosts
// (scripts/kubeadm-test-hosts.mjs). Plain node, no build step, no dependency: openssl with argv
// arrays, node's crypto for the keys.
//  - makePki: kubeadm's layout under <dir>/<node>/pki: etcd/{ca,server,peer,healthcheck-client}.{crt,key}
//    (server and peer with serverAuth+clientAuth, SANs node name, localhost, node IP, 127.0.0.1, ::1),
//    apiserver-etcd-client.{crt,key}, ca.{crt,key}; one etcd CA and one Kubernetes CA shared by the
//    cluster; <dir>/admin.conf. With apiServerPki (the kubeadm test hosts) also the API server's:
//    apiserver, apiserver-kubelet-client, front-proxy-ca (a third CA) and front-proxy-client. certDays:
//    the leaf certificates' validity (kubeadm's is 365 days; the CAs' 3650).
//  - etcdManifest / apiServerManifest: the static-Pod manifests (Kubernetes 1.31 shape) that the
//    nodes' kubelet TEST DOUBLE (scripts/kind-node/kubelet-double) runs.
import { execFile } from 'node:child_process';
import { generateKeyPair, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const PKI = '/etc/kubernetes/pki';
const run = promisify(execFile);
const gen = promisify(generateKeyPair);

/** keyAlgo 'ec': ECDSA P-256 (kubeadm's encryptionAlgorithm ECDSA-P256); 'rsa': RSA-2048, kubeadm's default. */
async function newKey(file, keyAlgo) {
  const { privateKey } = keyAlgo === 'rsa'
    ? await gen('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
    : await gen('ec', { namedCurve: 'prime256v1', privateKeyEncoding: { type: 'sec1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  writeFileSync(file, privateKey, { mode: 0o600 });
}

/** One certificate with openssl (argv only): a CA when `ca` is absent, else signed by it. */
async function newCert(dir, keyAlgo, o) {
  await newKey(o.key, keyAlgo);
  const days = o.ca ? String(o.days) : '3650';
  const ext = o.ca
    ? ['-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment', '-addext', `extendedKeyUsage=${o.usage.join(',')}`]
    : ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign'];
  const san = o.san?.length ? ['-addext', `subjectAltName=${o.san.join(',')}`] : [];
  await run('openssl', [
    'req', '-x509', '-new', '-key', o.key, '-subj', o.subject, '-days', days, '-config', path.join(dir, 'openssl.cnf'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, ...ext, ...san,
    ...(o.ca ? ['-CA', o.ca.crt, '-CAkey', o.ca.key] : []), '-out', o.crt,
  ]);
  chmodSync(o.crt, 0o644);
}

/**
 * The cluster's CAs, then every control plane's certificates, as kubeadm lays them out, in `dir`.
 * controlPlanes: [{name, ip}]; apiHost: the API server's host in admin.conf; kubeconfigName: the
 * cluster's name in admin.conf (kind: kind-<cluster>, kubeadm: kubernetes).
 */
export async function makePki(dir, { controlPlanes, apiHost, kubeconfigName, keyAlgo = 'ec', certDays = 365, apiServerPki = false }) {
  if (!Number.isInteger(certDays) || certDays < 1) throw new Error(`certDays must be a whole number of days ≥ 1, got ${certDays}`);
  writeFileSync(path.join(dir, 'openssl.cnf'), '[req]\ndistinguished_name = dn\n[dn]\n');
  const cert = (o) => newCert(dir, keyAlgo, { days: certDays, ...o });
  const shared = path.join(dir, 'shared');
  mkdirSync(shared, { recursive: true });
  const etcdCa = { crt: path.join(shared, 'etcd-ca.crt'), key: path.join(shared, 'etcd-ca.key') };
  const kubeCa = { crt: path.join(shared, 'ca.crt'), key: path.join(shared, 'ca.key') };
  const proxyCa = { crt: path.join(shared, 'front-proxy-ca.crt'), key: path.join(shared, 'front-proxy-ca.key') };
  await Promise.all([
    cert({ ...etcdCa, subject: '/CN=etcd-ca', san: ['DNS:etcd-ca'] }),
    cert({ ...kubeCa, subject: '/CN=kubernetes', san: ['DNS:kubernetes'] }),
    ...(apiServerPki ? [cert({ ...proxyCa, subject: '/CN=front-proxy-ca', san: ['DNS:front-proxy-ca'] })] : []),
  ]);
  const admin = { crt: path.join(shared, 'admin.crt'), key: path.join(shared, 'admin.key') };
  const jobs = [cert({ ...admin, ca: kubeCa, subject: '/O=kubeadm:cluster-admins/CN=kubernetes-admin', usage: ['clientAuth'] })];
  for (const n of controlPlanes) {
    const pki = path.join(dir, n.name, 'pki');
    const etcd = path.join(pki, 'etcd');
    mkdirSync(etcd, { recursive: true, mode: 0o755 });
    const cas = [[etcdCa, etcd, 'ca'], [kubeCa, pki, 'ca'], ...(apiServerPki ? [[proxyCa, pki, 'front-proxy-ca']] : [])];
    for (const [from, to, base] of cas) {
      writeFileSync(path.join(to, `${base}.crt`), readFileSync(from.crt), { mode: 0o644 });
      writeFileSync(path.join(to, `${base}.key`), readFileSync(from.key), { mode: 0o600 });
    }
    const san = [`DNS:${n.name}`, 'DNS:localhost', `IP:${n.ip}`, 'IP:127.0.0.1', 'IP:::1'];
    const pair = (d, base) => ({ crt: path.join(d, `${base}.crt`), key: path.join(d, `${base}.key`) });
    jobs.push(
      cert({ ...pair(etcd, 'server'), ca: etcdCa, subject: `/CN=${n.name}`, san, usage: ['serverAuth', 'clientAuth'] }),
      cert({ ...pair(etcd, 'peer'), ca: etcdCa, subject: `/CN=${n.name}`, san, usage: ['serverAuth', 'clientAuth'] }),
      cert({ ...pair(etcd, 'healthcheck-client'), ca: etcdCa, subject: '/CN=kube-etcd-healthcheck-client', usage: ['clientAuth'] }),
      cert({ ...pair(pki, 'apiserver-etcd-client'), ca: etcdCa, subject: '/CN=kube-apiserver-etcd-client', usage: ['clientAuth'] }),
    );
    if (apiServerPki) {
      const apiSan = [`DNS:${n.name}`, 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local', 'IP:10.96.0.1', `IP:${n.ip}`];
      jobs.push(
        cert({ ...pair(pki, 'apiserver'), ca: kubeCa, subject: '/CN=kube-apiserver', san: apiSan, usage: ['serverAuth'] }),
        cert({ ...pair(pki, 'apiserver-kubelet-client'), ca: kubeCa, subject: '/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client', usage: ['clientAuth'] }),
        cert({ ...pair(pki, 'front-proxy-client'), ca: proxyCa, subject: '/CN=front-proxy-client', usage: ['clientAuth'] }),
      );
    }
  }
  await Promise.all(jobs);
  const b64 = (f) => readFileSync(f).toString('base64');
  const user = 'kubernetes-admin';
  const ctx = `${user}@${kubeconfigName}`;
  writeFileSync(path.join(dir, 'admin.conf'), [
    'apiVersion: v1', 'clusters:', '- cluster:', `    certificate-authority-data: ${b64(kubeCa.crt)}`, `    server: https://${apiHost}:6443`,
    `  name: ${kubeconfigName}`, 'contexts:', '- context:', `    cluster: ${kubeconfigName}`, `    user: ${user}`, `  name: ${ctx}`,
    `current-context: ${ctx}`, 'kind: Config', 'preferences: {}', 'users:', `- name: ${user}`, '  user:',
    `    client-certificate-data: ${b64(admin.crt)}`, `    client-key-data: ${b64(admin.key)}`, '',
  ].join('\n'), { mode: 0o600 });
}

const preamble = (component, writtenBy) => [
  `# kubeadm-shaped ${component} static Pod, written by ${writtenBy}.`,
  '# The node\'s kubelet test double runs spec.containers[0].command; probes and resources are not acted on.',
];

const probe = (name, o) => [
  `    ${name}:`, `      failureThreshold: ${o.failures}`, '      httpGet:', `        host: ${o.host}`, `        path: ${o.path}`, `        port: ${o.port}`,
  `        scheme: ${o.scheme}`, `      initialDelaySeconds: ${o.delay}`, `      periodSeconds: ${o.period}`, '      timeoutSeconds: 15',
];

/** A volume list: [name, hostPath, mountPath, readOnly?]. */
const mounts = (vols) => ['    volumeMounts:', ...vols.flatMap(([name, , mountPath, ro]) => [`    - mountPath: ${mountPath}`, `      name: ${name}`, ...(ro ? ['      readOnly: true'] : [])])];
const volumes = (vols, type) => ['  volumes:', ...vols.flatMap(([name, hostPath]) => ['  - hostPath:', `      path: ${hostPath}`, `      type: ${type}`, `    name: ${name}`])];

/**
 * kubeadm's etcd static-Pod manifest for control plane n = {name, ip}, all = every control plane
 * (--initial-cluster). extraArgs: etcd flags appended, as a ClusterConfiguration's etcd.local.extraArgs.
 */
export function etcdManifest(n, all, { extraArgs = [], writtenBy }) {
  const P = `${PKI}/etcd`;
  const cmd = [
    'etcd',
    `--advertise-client-urls=https://${n.ip}:2379`,
    `--cert-file=${P}/server.crt`,
    '--client-cert-auth=true',
    '--data-dir=/var/lib/etcd',
    '--experimental-initial-corrupt-check=true',
    '--experimental-watch-progress-notify-interval=5s',
    `--initial-advertise-peer-urls=https://${n.ip}:2380`,
    `--initial-cluster=${all.map((m) => `${m.name}=https://${m.ip}:2380`).join(',')}`,
    '--initial-cluster-state=new',
    `--key-file=${P}/server.key`,
    `--listen-client-urls=https://127.0.0.1:2379,https://${n.ip}:2379`,
    '--listen-metrics-urls=http://127.0.0.1:2381',
    `--listen-peer-urls=https://${n.ip}:2380`,
    `--name=${n.name}`,
    `--peer-cert-file=${P}/peer.crt`,
    '--peer-client-cert-auth=true',
    `--peer-key-file=${P}/peer.key`,
    `--peer-trusted-ca-file=${P}/ca.crt`,
    '--pre-vote=true',
    '--snapshot-count=10000',
    `--trusted-ca-file=${P}/ca.crt`,
    ...extraArgs,
  ];
  const health = (name, failures) => probe(name, {
    failures, host: '127.0.0.1', path: `/health?exclude=NOSPACE&serializable=${name === 'startupProbe' ? 'false' : 'true'}`, port: 2381, scheme: 'HTTP', delay: 10, period: 10,
  });
  return [
    ...preamble('etcd', writtenBy),
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  annotations:', `    kubeadm.kubernetes.io/etcd.advertise-client-urls: https://${n.ip}:2379`,
    '  creationTimestamp: null', '  labels:', '    component: etcd', '    tier: control-plane', '  name: etcd', '  namespace: kube-system',
    'spec:', '  containers:', '  - command:', ...cmd.flatMap((a) => [...(a.startsWith('--pre-vote') ? ['    # not in kubeadm\'s manifest: kind\'s etcd 3.5 has pre-vote on by default, Debian\'s 3.4 off'] : []), `    - ${a}`]),
    '    image: kdrill/etcd:3.4.23', '    imagePullPolicy: IfNotPresent', ...health('livenessProbe', 8), '    name: etcd',
    '    resources:', '      requests:', '        cpu: 100m', '        memory: 100Mi', ...health('startupProbe', 24),
    '    volumeMounts:', '    - mountPath: /var/lib/etcd', '      name: etcd-data', `    - mountPath: ${P}`, '      name: etcd-certs',
    '  hostNetwork: true', '  priority: 2000001000', '  priorityClassName: system-node-critical', '  securityContext:',
    '    seccompProfile:', '      type: RuntimeDefault', '  volumes:', '  - hostPath:', `      path: ${P}`, '      type: DirectoryOrCreate',
    '    name: etcd-certs', '  - hostPath:', '      path: /var/lib/etcd', '      type: DirectoryOrCreate', '    name: etcd-data', 'status: {}', '',
  ].join('\n');
}

/**
 * kubeadm's kube-apiserver static-Pod manifest for control plane n = {name, ip}, against its own etcd
 * member (kubeadm's stacked etcd: --etcd-servers=https://127.0.0.1:2379). On the test hosts the
 * command `kube-apiserver` is a TEST DOUBLE that serves /livez and /readyz only.
 */
export function apiServerManifest(n, { writtenBy, serviceCidr = '10.96.0.0/12' }) {
  const cmd = [
    'kube-apiserver',
    `--advertise-address=${n.ip}`,
    '--allow-privileged=true',
    '--authorization-mode=Node,RBAC',
    `--client-ca-file=${PKI}/ca.crt`,
    '--enable-admission-plugins=NodeRestriction',
    '--enable-bootstrap-token-auth=true',
    `--etcd-cafile=${PKI}/etcd/ca.crt`,
    `--etcd-certfile=${PKI}/apiserver-etcd-client.crt`,
    `--etcd-keyfile=${PKI}/apiserver-etcd-client.key`,
    '--etcd-servers=https://127.0.0.1:2379',
    `--kubelet-client-certificate=${PKI}/apiserver-kubelet-client.crt`,
    `--kubelet-client-key=${PKI}/apiserver-kubelet-client.key`,
    '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
    '--secure-port=6443',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${PKI}/sa.pub`,
    `--service-account-signing-key-file=${PKI}/sa.key`,
    `--service-cluster-ip-range=${serviceCidr}`,
    `--tls-cert-file=${PKI}/apiserver.crt`,
    `--tls-private-key-file=${PKI}/apiserver.key`,
  ];
  const check = (name, p, failures) => probe(name, { failures, host: n.ip, path: p, port: 6443, scheme: 'HTTPS', delay: 10, period: name === 'readinessProbe' ? 1 : 10 });
  const vols = [['ca-certs', '/etc/ssl/certs', '/etc/ssl/certs', true], ['k8s-certs', PKI, PKI, true]];
  return [
    ...preamble('kube-apiserver', writtenBy),
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  annotations:', `    kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint: ${n.ip}:6443`,
    '  creationTimestamp: null', '  labels:', '    component: kube-apiserver', '    tier: control-plane', '  name: kube-apiserver', '  namespace: kube-system',
    'spec:', '  containers:', '  - command:', ...cmd.map((a) => `    - ${a}`),
    '    image: registry.k8s.io/kube-apiserver:v1.31.0', '    imagePullPolicy: IfNotPresent', ...check('livenessProbe', '/livez', 8), '    name: kube-apiserver',
    ...check('readinessProbe', '/readyz', 3), '    resources:', '      requests:', '        cpu: 250m', ...check('startupProbe', '/livez', 24),
    ...mounts(vols), '  hostNetwork: true', '  priority: 2000001000', '  priorityClassName: system-node-critical', '  securityContext:',
    '    seccompProfile:', '      type: RuntimeDefault', ...volumes(vols, 'DirectoryOrCreate'), 'status: {}', '',
  ].join('\n');
}
