import { z } from 'zod';
import type { InvariantModule, Verdict } from '../../engine/types.js';
import { memberOf } from '../../clients/etcd/membership.js';
import { need } from '../../labs/types.js';

const params = z.strictObject({
  node: z.string().describe('The node whose member is looked at'),
  changed: z.boolean().describe('true after a member replace (the node came back as a NEW member); false while it is the member it was'),
});
type Params = z.infer<typeof params>;

/** etcdctl prints member IDs in hex; the clients hand them over as decimal strings. */
const hex = (id: string): string => {
  try {
    return BigInt(id).toString(16);
  } catch {
    return id;
  }
};

/**
 * `first`: the member ID of the node the drill saw first; `now`: its entry in the member list now
 * (by its name or client URL: a member added and not started yet has neither), undefined when absent.
 */
export function memberIdVerdict(p: Params, first: string | undefined, now: string | undefined): Verdict {
  if (now === undefined) {
    return {
      ok: false,
      message: `${p.node} has no started member in the member list (removed, or added and not started yet)`,
      expected: p.changed ? 'a new member for it, started' : `member ${first ? hex(first) : '(first seen)'}`, observed: 'none',
    };
  }
  if (first === undefined || now === first) {
    const said = `${p.node} is member ${hex(now)}${first === undefined ? ' (first seen)' : ', as before'}`;
    if (!p.changed) return { ok: true, message: said };
    return {
      ok: false, message: `${said}: a member whose data was lost comes back as a new member (member remove, then member add), not under its old ID`,
      expected: `a member ID other than ${hex(now)}`, observed: hex(now),
    };
  }
  const said = `${p.node} is member ${hex(now)}, was ${hex(first)}`;
  if (p.changed) return { ok: true, message: `${said} (replaced: a new member)` };
  return { ok: false, message: said, expected: `member ${hex(first)}`, observed: hex(now) };
}

/** The first ID seen of each node's member, kept in the run's state (like the first cluster ID). */
const FIRST = 'etcd.memberId.first:';

export const etcdMemberId: InvariantModule<Params> = {
  name: 'etcd.memberId',
  summary: "a node's member ID changed (member replace: a new member) or not, vs the first one the drill saw for it",
  params,
  nodeParams: ['node'],
  requires: ['etcd'],
  plan: (p) => [`etcdctl member list: the ID of ${p.node}'s member, vs the first one seen`],
  async check(ctx, p) {
    const m = await memberOf(need(ctx.lab, 'etcd'), p.node);
    const first = ctx.state.get(FIRST + p.node) as string | undefined;
    if (first === undefined && m) ctx.state.set(FIRST + p.node, m.id);
    return memberIdVerdict(p, first, m?.id);
  },
};
