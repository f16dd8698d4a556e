import { describe, expect, it } from 'vitest';
import { memberIdVerdict } from '../../../src/invariants/etcd/member-id.js';

/** etcd.memberId's verdict on the whole message: IDs come in decimal, are said in hex as etcdctl prints them. */
const OLD = '11400470930566758714'; // 9e369be8b899413a
const NEW = '7044442516591427011'; // 61c2e32552173dc3

describe('etcd.memberId: the node came back as a new member, or is the one it was', () => {
  it.each<[string, { node: string; changed: boolean }, string | undefined, string | undefined, boolean, string]>([
    ['first look, expected unchanged: noted', { node: 'control-plane3', changed: false }, undefined, OLD, true, 'control-plane3 is member 9e369be8b899413a (first seen)'],
    ['the same member', { node: 'control-plane3', changed: false }, OLD, OLD, true, 'control-plane3 is member 9e369be8b899413a, as before'],
    ['replaced: a new ID', { node: 'control-plane3', changed: true }, OLD, NEW, true, 'control-plane3 is member 61c2e32552173dc3, was 9e369be8b899413a (replaced: a new member)'],
    ['started again under its old ID (the wrong repair)', { node: 'control-plane3', changed: true }, OLD, OLD, false,
      'control-plane3 is member 9e369be8b899413a, as before: a member whose data was lost comes back as a new member (member remove, then member add), not under its old ID'],
    ['removed, not added back (or added, not started)', { node: 'control-plane3', changed: true }, OLD, undefined, false,
      'control-plane3 has no started member in the member list (removed, or added and not started yet)'],
    ['a new ID where none was expected', { node: 'control-plane3', changed: false }, OLD, NEW, false, 'control-plane3 is member 61c2e32552173dc3, was 9e369be8b899413a'],
  ])('%s', (_what, p, first, now, ok, message) => expect(memberIdVerdict(p, first, now)).toMatchObject({ ok, message }));
});
