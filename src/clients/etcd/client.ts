import type { Etcd3 } from 'etcd3';

/** Client certificates for etcd's mTLS (kubeadm's apiserver-etcd-client and the etcd CA). */
export interface EtcdTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

export type EtcdClient = Etcd3;

/** Default per-call deadline: long enough for a loaded 2-core machine, short enough to see a hung member fast. */
export const DEFAULT_DEADLINE_MS = 1_000;

/** grpc call options with a deadline `ms` from now (every etcd call kdrill makes has one). */
export const within = (ms: number = DEFAULT_DEADLINE_MS): { deadline: Date } => ({ deadline: new Date(Date.now() + ms) });

/**
 * A client for exactly one endpoint, with etcd3's retries and circuit breaker off (LAB-FACTS.md:
 * retries can apply a Put twice, the breaker makes a restarted member look dead for 5 s) and a
 * short reconnect backoff, so a member that is back is seen as back within a few hundred ms.
 * etcd3 is imported here, on first use: it costs ~140 ms of CPU even bundled with its protos
 * pre-parsed (scripts/bundle.mjs), and `kdrill validate` must not pay it.
 */
export async function connectEtcd(url: string | string[], tls: EtcdTls | undefined, serverName?: string): Promise<EtcdClient> {
  const [etcd3, cockatiel] = await Promise.all([import('etcd3'), import('cockatiel')]);
  const { Etcd3 } = commonJs(etcd3);
  const { noop } = commonJs(cockatiel);
  return new Etcd3({
    hosts: url,
    // Without TLS only for a plain-HTTP etcd (the maintenance tests' cluster).
    ...(tls ? { credentials: { rootCertificate: tls.ca, certChain: tls.cert, privateKey: tls.key } } : {}),
    faultHandling: { host: () => noop, global: noop },
    grpcOptions: {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.min_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
      'grpc.keepalive_time_ms': 10_000,
      // TLS to an IP: name the server by a DNS name of its cert (Node warns when the SNI is an IP).
      ...(serverName ? { 'grpc.ssl_target_name_override': serverName, 'grpc.default_authority': serverName } : {}),
    },
  });
}

/** A CommonJS module's exports: bundled (dist/), esbuild hands them over as `default`; under Node, as names too. */
function commonJs<T>(mod: T): T {
  return (mod as { default?: T }).default ?? mod;
}

/** One line for an error from etcd or grpc: "UNAVAILABLE: No connection established". */
export function etcdErrorMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const msg = err.message.split('\n')[0]!;
  if (/deadline exceeded/i.test(msg)) return `no answer within the deadline (${msg})`;
  return msg;
}
