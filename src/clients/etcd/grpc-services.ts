import protobuf from 'protobufjs';

/**
 * etcd3's gRPC services, built the way @grpc/proto-loader builds them, from descriptors parsed at
 * build time (scripts/etcd3-protos.mjs puts this module in place of proto-loader inside the bundle).
 *
 * proto-loader also builds, at every load, what etcd3 never reads: a definition of every message
 * and enum, and the encoded file descriptors kept for gRPC server reflection. That was ~20 ms of
 * CPU each time a drill first talked to etcd, plus the loading of proto-loader and protobufjs's
 * descriptor extension. grpc-js's loadPackageDefinition only needs the services; etcd3 only
 * constructs service clients (`new etcdserverpb.KV(...)`).
 */

/** The subset of proto-loader's options etcd3 passes that change the decoded objects. */
export interface ConversionOptions {
  keepCase?: boolean;
  longs?: typeof String | typeof Number;
  enums?: typeof String;
  defaults?: boolean;
  oneofs?: boolean;
}

export interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: object): Buffer;
  requestDeserialize(bytes: Buffer): object;
  responseSerialize(value: object): Buffer;
  responseDeserialize(bytes: Buffer): object;
  originalName: string;
}

export type ServiceDefinition = Record<string, MethodDefinition>;

/** Every service of `json` (protobufjs JSON descriptors) by its full name, e.g. `etcdserverpb.KV`. */
export function fromJSON(json: protobuf.INamespace, options: ConversionOptions = {}): Record<string, ServiceDefinition> {
  const root = protobuf.Root.fromJSON(json);
  root.resolveAll();
  const out: Record<string, ServiceDefinition> = {};
  for (const [name, service] of servicesOf(root, '')) {
    const methods: ServiceDefinition = {};
    for (const m of service.methodsArray) {
      const request = m.resolvedRequestType!;
      const response = m.resolvedResponseType!;
      methods[m.name] = {
        path: `/${name}/${m.name}`,
        requestStream: !!m.requestStream,
        responseStream: !!m.responseStream,
        requestSerialize: serializer(request),
        requestDeserialize: deserializer(request, options),
        responseSerialize: serializer(response),
        responseDeserialize: deserializer(response, options),
        // grpc-js adds the method under this name too: etcd3 calls `client.memberList(...)`.
        originalName: camelCase(m.name),
      };
    }
    out[name] = methods;
  }
  return out;
}

function servicesOf(ns: protobuf.NamespaceBase, prefix: string): [string, protobuf.Service][] {
  return ns.nestedArray.flatMap((obj): [string, protobuf.Service][] => {
    const name = prefix ? `${prefix}.${obj.name}` : obj.name;
    if (obj instanceof protobuf.Service) return [[name, obj]];
    if (obj instanceof protobuf.Namespace && !(obj instanceof protobuf.Type)) return servicesOf(obj, name);
    return [];
  });
}

function serializer(type: protobuf.Type): (value: object) => Buffer {
  return (value) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return type.encode(type.fromObject(value)).finish() as Buffer;
  };
}

function deserializer(type: protobuf.Type, options: ConversionOptions): (bytes: Buffer) => object {
  return (bytes) => type.toObject(type.decode(bytes), options);
}

/**
 * lodash's camelCase for proto method names, which proto-loader uses: words split at case changes,
 * a run of capitals is one word ("HashKV" → "hashKv", the reason etcd3's own `hashKV` call fails).
 */
export function camelCase(name: string): string {
  const words = name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [];
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
}
