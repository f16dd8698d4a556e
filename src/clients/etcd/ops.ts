import { DEFAULT_DEADLINE_MS, etcdErrorMessage } from './client.js';
import type { MemberCalls } from './calls.js';
import type { EtcdAccess } from './access.js';

/** The member that last answered an onAnyMember call, per lab access: tried first next time. */
const lastGood = new WeakMap<EtcdAccess, string>();

export interface Attempt {
  node: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

/** A longer deadline for maintenance calls (member add, alarm, compaction on a loaded machine). */
export const OPS_DEADLINE_MS = 5_000;

export interface AnyMemberOptions {
  deadlineMs?: number;
  /** Members to try first. */
  first?: string[];
  /**
   * Ask each member's Status first and run `op` only on one that answers; an error from `op` there
   * is then final. For writes that must not be applied twice (member add, compaction): a call that
   * reached etcd is never retried on another member.
   */
  once?: boolean;
  signal?: AbortSignal;
}

/**
 * Tries `op` on one member after the other (those in `first` before the rest) until one succeeds;
 * every attempt has its own deadline. What an operator's client with several endpoints does, but
 * each try visible.
 */
export async function onAnyMember<T>(
  etcd: EtcdAccess,
  op: (m: MemberCalls, deadlineMs: number, node: string) => Promise<T>,
  opts: AnyMemberOptions = {},
): Promise<{ value?: T; node?: string; attempts: Attempt[] }> {
  const nodes = etcd.members().map((e) => e.node);
  // A stopped member's IP answers nothing (no ARP reply): trying it first would cost a whole deadline.
  const first = [...(opts.first ?? []), ...(lastGood.has(etcd) ? [lastGood.get(etcd)!] : [])].filter((n) => nodes.includes(n));
  const order = [...new Set([...first, ...nodes])];
  const attempts: Attempt[] = [];
  for (const node of order) {
    const started = performance.now();
    let answered = false;
    try {
      const value = await etcd.with(node, async (m) => {
        if (opts.once) {
          await m.status(2_000);
          answered = true;
        }
        return op(m, opts.deadlineMs ?? DEFAULT_DEADLINE_MS, node);
      }, opts.signal);
      attempts.push({ node, ok: true, latencyMs: performance.now() - started });
      lastGood.set(etcd, node);
      return { value, node, attempts };
    } catch (err) {
      if (answered) throw err;
      attempts.push({ node, ok: false, latencyMs: performance.now() - started, error: etcdErrorMessage(err) });
    }
  }
  return { attempts };
}

/**
 * Runs `op` once, on the first member that answers a Status (like etcdctl with several endpoints,
 * without retrying a call that reached etcd). Throws when no member answers.
 */
export async function anyMember<T>(
  etcd: EtcdAccess,
  signal: AbortSignal | undefined,
  op: (m: MemberCalls, node: string) => Promise<T>,
): Promise<T> {
  const r = await onAnyMember(etcd, (m, _d, node) => op(m, node), { once: true, signal });
  if (r.node === undefined) throw new Error(`no etcd member answers (${describeAttempts(r.attempts)})`);
  return r.value as T;
}

export const describeAttempts = (attempts: Attempt[]): string =>
  attempts.map((a) => `${a.node}: ${a.ok ? `ok in ${Math.round(a.latencyMs)} ms` : a.error}`).join('; ');

/** One line of an error: what etcd or kdrill said, without a stack. */
export function errText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}
