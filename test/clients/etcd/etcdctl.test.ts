import { describe, expect, it } from 'vitest';
import { etcdctlError, parseJson } from '../../../src/clients/etcd/etcdctl.js';

// etcdctl's output as etcd 3.4.23 prints it (captured from `etcdctl -w json …` in kdrill/etcd:3.4.23).
describe('etcdctl output', () => {
  it('reads uint64 IDs as exact decimal strings (a double would round them)', () => {
    const out = '[{"Endpoint":"127.0.0.1:2379","Status":{"header":{"cluster_id":14841639068965178418,"member_id":10276657743932975437,"revision":3,"raft_term":2},"version":"3.4.23","dbSize":20480,"leader":10276657743932975437,"raftIndex":6,"raftTerm":2,"raftAppliedIndex":6,"dbSizeInUse":16384}}]';
    const [e] = parseJson<Array<{ Status: { header: { member_id: string; revision: number }; leader: string; dbSize: number } }>>(out);
    expect(e!.Status.header.member_id).toBe('10276657743932975437');
    expect(e!.Status.leader).toBe('10276657743932975437');
    expect(e!.Status.header.revision).toBe(3);
    expect(e!.Status.dbSize).toBe(20480);
    expect(JSON.parse(out)[0].Status.header.member_id).not.toBe(10276657743932975437n.toString()); // why parseJson exists
  });

  it.each([
    ['{"level":"warn","ts":"…","caller":"clientv3/retry_interceptor.go:62","msg":"retrying of unary invoker failed","target":"endpoint://client-x/127.0.0.1:2379","attempt":0,"error":"rpc error: code = ResourceExhausted desc = etcdserver: mvcc: database space exceeded"}\nError: etcdserver: mvcc: database space exceeded', 'etcdserver: mvcc: database space exceeded'],
    ['Error: etcdserver: mvcc: required revision has been compacted', 'etcdserver: mvcc: required revision has been compacted'],
    ['Error: context deadline exceeded', 'context deadline exceeded'],
    ['Error response from daemon: Container abc is not running', 'Error response from daemon: Container abc is not running'],
  ])('says why in one line: %#', (stderr, message) => {
    expect(etcdctlError({ argv: [], exitCode: 1, stdout: '', stderr, durationMs: 1 }).message).toBe(message);
  });
});
