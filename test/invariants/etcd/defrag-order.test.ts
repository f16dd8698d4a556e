import { describe, expect, it } from 'vitest';
import { defragOrderVerdict, etcdDefragOrder, leaderOf, looksDefragmented, type DefragSeen } from '../../../src/invariants/etcd/defrag-order.js';
import type { Context } from '../../../src/engine/types.js';

const members = ['control-plane', 'control-plane2', 'control-plane3'];
/** Each defrag as [node, poll, leader when it began]; the leader is control-plane unless said. */
const seen = (...order: Array<[string, number, string?]>): DefragSeen => ({ members, order: order.map(([node, poll, leader = 'control-plane']) => ({ node, poll, leader })) });
const LEADER_LAST = 'followers first, the leader last (defragging the leader mid-pass forces a needless re-election)';

describe('etcd.defragOrder: one at a time, followers first, the leader last', () => {
  it.each<[string, DefragSeen, boolean, string]>([
    ['nothing yet', seen(), true, 'no member defragmented yet'],
    ['a follower', seen(['control-plane2', 3]), true, 'defragmented so far, in order: control-plane2'],
    ['followers, then the leader', seen(['control-plane3', 2], ['control-plane2', 5], ['control-plane', 9]), true, 'defragmented so far, in order: control-plane3, control-plane2, control-plane'],
    ['the leader first', seen(['control-plane', 2]), false, `the leader (control-plane) was defragmented before control-plane2, control-plane3: ${LEADER_LAST}`],
    ['the leader second', seen(['control-plane2', 2], ['control-plane', 4]), false, `the leader (control-plane) was defragmented before control-plane3: ${LEADER_LAST}`],
    ['two at once', seen(['control-plane2', 3], ['control-plane3', 3]), false,
      'control-plane2 and control-plane3 were defragmented at once: one member at a time (defrag blocks the member it runs against; defragging members together stalls the cluster)'],
    // Leadership moved to control-plane3 after the first defrag: the old leader, a follower by then,
    // may go before the new one, and the new leader goes last. Judged against the leader at the start, this failed.
    ['leadership moved: the old leader as a follower, the new leader last',
      seen(['control-plane2', 2], ['control-plane', 5, 'control-plane3'], ['control-plane3', 8, 'control-plane3']), true,
      'defragmented so far, in order: control-plane2, control-plane, control-plane3'],
    ['leadership moved: the new leader before the old one',
      seen(['control-plane2', 2], ['control-plane3', 5, 'control-plane3']), false, `the leader (control-plane3) was defragmented before control-plane: ${LEADER_LAST}`],
    ['leader unknown when it began (an election): not judged as the leader', seen(['control-plane', 2, '']), true, 'defragmented so far, in order: control-plane'],
  ])('%s', (_what, s, ok, message) => expect(defragOrderVerdict(s)).toMatchObject({ ok, message }));
});

describe('etcd.defragOrder: a defrag is a file that shrank to what is in use', () => {
  const MB = 1_000_000;
  it.each<[string, number, { dbSize: number; dbSizeInUse: number }, boolean]>([
    ['14 MB, mostly free → 1.1 MB, all in use', 14 * MB, { dbSize: 1.1 * MB, dbSizeInUse: 1.05 * MB }, true],
    ['a file with little free space: 4 MB → 3.7 MB, all in use (half-shrink missed this)', 4 * MB, { dbSize: 3.7 * MB, dbSizeInUse: 3.6 * MB }, true],
    ['unchanged size', 14 * MB, { dbSize: 14 * MB, dbSizeInUse: 1 * MB }, false],
    ['grew (writes)', 14 * MB, { dbSize: 15 * MB, dbSizeInUse: 15 * MB }, false],
    ['compaction: same file, in use fell', 14 * MB, { dbSize: 14 * MB, dbSizeInUse: 2 * MB }, false],
    ['smaller but still mostly free: not a defrag', 14 * MB, { dbSize: 10 * MB, dbSizeInUse: 2 * MB }, false],
    ['20% free after: counts (the default bound)', 10 * MB, { dbSize: 5 * MB, dbSizeInUse: 4 * MB }, true],
    ['21% free after: does not', 10 * MB, { dbSize: 5 * MB, dbSizeInUse: 3.95 * MB }, false],
  ])('%s', (_what, previous, now, expected) => expect(looksDefragmented(previous, now, 0.2)).toBe(expected));
});

describe('etcd.defragOrder: the leader of a poll', () => {
  const ids = new Map([['1', 'control-plane'], ['2', 'control-plane2'], ['3', 'control-plane3']]);
  it.each<[string, Array<{ node: string; leader: boolean; leaderId: string }>, string | undefined]>([
    ['the member that says it leads', [{ node: 'control-plane', leader: true, leaderId: '1' }, { node: 'control-plane2', leader: false, leaderId: '1' }], 'control-plane'],
    ['the leader busy in its defrag (no answer): the one the others name', [{ node: 'control-plane2', leader: false, leaderId: '3' }, { node: 'control-plane', leader: false, leaderId: '3' }], 'control-plane3'],
    ['no leader (an election)', [{ node: 'control-plane2', leader: false, leaderId: '0' }], undefined],
  ])('%s', (_what, statuses, expected) => expect(leaderOf(statuses, ids)).toBe(expected));
});

/**
 * The whole check across polls, with a TEST DOUBLE of the lab's etcd access (scripted statuses, no
 * etcd): the leader recorded at each poll is the one a defrag is judged against.
 */
describe('etcd.defragOrder: the check across polls (scripted etcd statuses, a test double)', () => {
  type Row = [node: string, dbSize: number, inUse: number, leader: boolean];
  async function run(polls: Row[][]) {
    const ids: Record<string, string> = { 'control-plane': '1', 'control-plane2': '2', 'control-plane3': '3' };
    let i = 0;
    const etcd = {
      statusAll: async () => polls[i]!.map(([node, dbSize, inUse, leader]) => ({
        node, ok: true, latencyMs: 1,
        status: { node, memberId: ids[node]!, leader, leaderId: ids[polls[i]!.find((r) => r[3])?.[0] ?? ''] ?? '0', dbSize, dbSizeInUse: inUse },
      })),
    };
    const ctx = { lab: { etcd }, state: new Map(), step: 'defrag' } as unknown as Context;
    let last;
    for (i = 0; i < polls.length; i++) last = await etcdDefragOrder.check(ctx, { free: 0.2 });
    return last!;
  }
  const big = 14e6;
  const small = 1e6;

  it('leadership moves from control-plane to control-plane3 mid-pass; the old leader goes as a follower, the new one last: ok', async () => {
    const v = await run([
      [['control-plane', big, small, true], ['control-plane2', big, small, false], ['control-plane3', big, small, false]],
      [['control-plane', big, small, true], ['control-plane2', small, small, false], ['control-plane3', big, small, false]],
      [['control-plane', big, small, false], ['control-plane2', small, small, false], ['control-plane3', big, small, true]],
      [['control-plane', small, small, false], ['control-plane2', small, small, false], ['control-plane3', big, small, true]],
      [['control-plane', small, small, false], ['control-plane2', small, small, false], ['control-plane3', small, small, true]],
    ]);
    expect(v).toMatchObject({ ok: true, message: 'defragmented so far, in order: control-plane2, control-plane, control-plane3' });
  });

  it('the leader defragmented first loses leadership during it: still judged as the leader (the poll before)', async () => {
    const v = await run([
      [['control-plane', big, small, true], ['control-plane2', big, small, false], ['control-plane3', big, small, false]],
      [['control-plane', small, small, false], ['control-plane2', big, small, true], ['control-plane3', big, small, false]],
    ]);
    expect(v).toMatchObject({ ok: false, message: `the leader (control-plane) was defragmented before control-plane2, control-plane3: ${LEADER_LAST}` });
  });
});
