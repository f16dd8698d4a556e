import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { fromJSON, loadSync } from '@grpc/proto-loader';
// @ts-expect-error: a build script in plain JavaScript
import { prebuiltProtos } from '../../scripts/etcd3-protos.mjs';

// The bundle swaps etcd3's run-time parse of rpc.proto for descriptors parsed at build time: the
// services, methods and message fields the client sees must be the same either way.
const rpcProto = createRequire(import.meta.url).resolve('etcd3/proto/rpc.proto');
const options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

function shape(def: ReturnType<typeof loadSync>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(def)) {
    out[name] = 'format' in entry
      ? entry.type
      : Object.fromEntries(Object.entries(entry).map(([m, d]) => [m, {
        path: d.path, requestStream: d.requestStream, responseStream: d.responseStream,
        request: d.requestType.type, response: d.responseType.type,
      }]));
  }
  return out;
}

describe('etcd3 with pre-parsed protos', () => {
  it('gives the same package definition as parsing rpc.proto at run time', () => {
    const runtime = shape(loadSync(rpcProto, options));
    const prebuilt = shape(fromJSON(prebuiltProtos(rpcProto), options));
    expect(Object.keys(runtime).length).toBeGreaterThan(50);
    expect(prebuilt).toEqual(runtime);
    // keepCase: etcd3 reads header.member_id, not memberId
    expect(JSON.stringify(prebuilt['etcdserverpb.ResponseHeader'])).toContain('member_id');
  });
});
