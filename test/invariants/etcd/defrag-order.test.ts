import { describe, expect, it } from 'vitest';
import { defragOrderVerdict, type DefragSeen } from '../../../src/invariants/etcd/defrag-order.js';

const members = ['control-plane', 'control-plane2', 'control-plane3'];
const seen = (...order: Array<[string, number]>): DefragSeen => ({ leader: 'control-plane', members, order: order.map(([node, poll]) => ({ node, poll })) });

describe('etcd.defragOrder: one at a time, followers first, the leader last', () => {
  it.each<[string, DefragSeen, boolean, string]>([
    ['nothing yet', seen(), true, 'no member defragmented yet'],
    ['a follower', seen(['control-plane2', 3]), true, 'defragmented so far, in order: control-plane2'],
    ['followers, then the leader', seen(['control-plane3', 2], ['control-plane2', 5], ['control-plane', 9]), true, 'defragmented so far, in order: control-plane3, control-plane2, control-plane'],
    ['the leader first', seen(['control-plane', 2]), false,
      'the leader (control-plane) was defragmented before control-plane2, control-plane3: followers first, the leader last (defragging the leader mid-pass forces a needless re-election)'],
    ['the leader second', seen(['control-plane2', 2], ['control-plane', 4]), false,
      'the leader (control-plane) was defragmented before control-plane3: followers first, the leader last (defragging the leader mid-pass forces a needless re-election)'],
    ['two at once', seen(['control-plane2', 3], ['control-plane3', 3]), false,
      'control-plane2 and control-plane3 were defragmented at once: one member at a time (defrag blocks the member it runs against; defragging members together stalls the cluster)'],
  ])('%s', (_what, s, ok, message) => expect(defragOrderVerdict(s)).toMatchObject({ ok, message }));
});
