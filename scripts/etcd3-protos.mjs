// etcd3 parses its .proto files with protobufjs every time it is imported (~60 ms of a drill's
// CPU). The bundle hands proto-loader the same descriptors parsed once, at build time, with the
// option etcd3 passes that changes them (keepCase: field names as in the .proto).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const NEEDLE = '(0, proto_loader_1.loadSync)(`${__dirname}/../proto/rpc.proto`, {';

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
      if (!source.includes(NEEDLE)) {
        throw new Error(`${args.path}: etcd3 no longer loads rpc.proto as scripts/etcd3-protos.mjs expects; update it`);
      }
      const json = JSON.stringify(prebuiltProtos(path.join(path.dirname(args.path), '../proto/rpc.proto')));
      return { contents: source.replace(NEEDLE, `(0, proto_loader_1.fromJSON)(${json}, {`), loader: 'js' };
    });
  },
};
