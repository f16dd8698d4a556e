import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { loadSync, type MethodDefinition as LoaderMethod } from '@grpc/proto-loader';
// @ts-expect-error: a build script in plain JavaScript
import { prebuiltProtos } from '../../scripts/etcd3-protos.mjs';
import { camelCase, fromJSON } from '../../src/clients/etcd/grpc-services.js';

// Inside the bundle etcd3 gets its services from src/clients/etcd/grpc-services.ts, built from
// descriptors parsed at build time, instead of @grpc/proto-loader parsing rpc.proto at run time.
// What etcd3 and grpc-js read of them must be the same either way: every service and method, its
// path and name, and the bytes and objects its (de)serializers make.
const rpcProto = createRequire(import.meta.url).resolve('etcd3/proto/rpc.proto');
const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };
const loader = loadSync(rpcProto, options);
const ours = fromJSON(prebuiltProtos(rpcProto), options);

const loaderServices = Object.entries(loader).filter(([, d]) => !('format' in d)) as [string, Record<string, LoaderMethod<object, object>>][];

describe('etcd3 services from pre-parsed protos', () => {
  it('has every service and method proto-loader has, with the same path, streaming and name', () => {
    expect(loaderServices.map(([name]) => name).sort()).toEqual(Object.keys(ours).sort());
    expect(Object.keys(ours)).toEqual(expect.arrayContaining(['etcdserverpb.KV', 'etcdserverpb.Maintenance', 'etcdserverpb.Cluster', 'etcdserverpb.Watch']));
    for (const [name, methods] of loaderServices) {
      const shape = (m: { path: string; requestStream: boolean; responseStream: boolean; originalName?: string }) => [m.path, m.requestStream, m.responseStream, m.originalName];
      expect(Object.fromEntries(Object.entries(ours[name]!).map(([k, m]) => [k, shape(m)])), name).toEqual(Object.fromEntries(Object.entries(methods).map(([k, m]) => [k, shape(m)])));
    }
  });

  it('serializes requests to the same bytes and decodes responses to the same objects', () => {
    const kv = ours['etcdserverpb.KV']!, lkv = loader['etcdserverpb.KV'] as Record<string, LoaderMethod<object, object>>;
    const put = { key: Buffer.from('drill/a'), value: Buffer.from('1'), prev_kv: true, lease: '7' };
    expect(kv.Put!.requestSerialize(put)).toEqual(lkv.Put!.requestSerialize(put));
    // keepCase, 64-bit numbers as strings, defaults filled in: header.member_id, revision "42"
    const range = { header: { cluster_id: '1', member_id: '18446744073709551615', revision: '42', raft_term: '3' }, kvs: [{ key: Buffer.from('k'), value: Buffer.from('v'), mod_revision: '42' }], count: '1' };
    const bytes = lkv.Range!.responseSerialize(range);
    const decoded = kv.Range!.responseDeserialize(bytes) as { header: { member_id: string }; more: boolean };
    expect(decoded).toEqual(lkv.Range!.responseDeserialize(bytes));
    expect(decoded.header.member_id).toBe('18446744073709551615');
    expect(decoded.more).toBe(false);

    const m = ours['etcdserverpb.Maintenance']!, lm = loader['etcdserverpb.Maintenance'] as Record<string, LoaderMethod<object, object>>;
    const alarm = { alarms: [{ memberID: '9', alarm: 'Nospace' }] };
    const alarmBytes = lm.Alarm!.responseSerialize(alarm);
    expect(m.Alarm!.responseDeserialize(alarmBytes)).toEqual(lm.Alarm!.responseDeserialize(alarmBytes));
    expect(m.Alarm!.responseDeserialize(alarmBytes)).toMatchObject({ alarms: [{ memberID: '9', alarm: 'Nospace' }] });
  });

  it('refuses an array as a message, as proto-loader does', () => {
    expect(() => ours['etcdserverpb.KV']!.Put!.requestSerialize([] as unknown as object)).toThrow(/expected object with PutRequest structure/);
  });

  it('names methods as lodash camelCase does (grpc-js adds them under that name)', () => {
    expect(['HashKV', 'MemberList', 'LeaseTimeToLive', 'Range', 'UserGrantRole', 'Authenticate'].map(camelCase))
      .toEqual(['hashKv', 'memberList', 'leaseTimeToLive', 'range', 'userGrantRole', 'authenticate']);
  });
});
