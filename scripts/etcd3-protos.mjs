// etcd3 parses its .proto files with protobufjs every time it is imported, then @grpc/proto-loader
// builds definitions of every message and encoded file descriptors that etcd3 never reads (~80 ms
// of a drill's CPU in all). Inside the bundle, etcd3 gets the same descriptors parsed once, at build
// time, with the option etcd3 passes that changes them (keepCase: field names as in the .proto),
// and src/clients/etcd/grpc-services.ts in place of proto-loader: the same services, nothing else.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const LOADER = 'const proto_loader_1 = require("@grpc/proto-loader");';
const NEEDLE = '(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`, {';
const services = path.resolve(import.meta.dirname, '../src/clients/etcd/grpc-services.ts');

/** etcd3's rpc.proto (with kv.proto and auth.proto) as protobufjs JSON descriptors. */
export function prebuiltProtos(rpcProto) {
  const protobuf = require('protobufjs');
  const root = new protobuf.Root().loadSync(rpcProto, { keepCase: true });
  root.resolveAll();
  return root.toJSON();
}

/** esbuild plugin: fails the build if etcd3 no longer reads as expected, never a silent fallback. */
export const etcd3PrebuiltProtos = {
  name: 'etcd3-prebuilt-protos',
  setup(build) {
    build.onLoad({ filter: /[\\/]etcd3[\\/]lib[\\/]connection-pool\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes(NEEDLE) || !source.includes(LOADER)) {
        throw new Error(`${args.path}: etcd3 no longer loads rpc.proto as scripts/etcd3-protos.mjs expects; update it`);
      }
      const json = JSON.stringify(prebuiltProtos(path.join(path.dirname(args.path), '../proto/rpc.proto')));
      const contents = source
        .replace(LOADER, `const proto_loader_1 = require(${JSON.stringify(services)});`)
        // JSON.parse of a string is faster to load than the same object literal (V8's JSON parser).
        .replace(NEEDLE, `(0, proto_loader_1.fromJSON)(JSON.parse(${JSON.stringify(json)}), {`);
      return { contents, loader: 'js' };
    });
  },
};
