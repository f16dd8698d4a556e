import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIPv4 } from 'node:net';

/**
 * X.509 v3 certificates in-process (node:crypto has keys and signatures, not certificates): a
 * small DER encoder for exactly what kubeadm's etcd PKI holds. EC P-256 keys, ECDSA-SHA256.
 * Making the lab's 9 certificates this way takes a few milliseconds of CPU, where 9 `openssl req`
 * processes blocked kdrill's event loop ~200 ms (each spawn of a large Node process is a fork).
 */

// --- DER primitives (X.690) ---
export function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
export const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
};
export const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);
/** A non-negative INTEGER from big-endian bytes: no leading zeros, one 0x00 when the top bit is set. */
export function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const v = bytes.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}
export function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a! + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
const bitString = (bytes: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.from([unused]), bytes);
const octets = (bytes: Buffer): Buffer => tlv(0x04, bytes);
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, content: Buffer): Buffer => tlv(0xa0 + n, content);

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function derTime(d: Date): Buffer {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(`${iso.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${iso}Z`));
}

/** A KeyUsage BIT STRING from bit numbers (digitalSignature = 0 … cRLSign = 6), trailing zeros unused. */
export function keyUsageBits(bits: number[]): Buffer {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  const unused = byte === 0 ? 0 : 7 - Math.max(...bits);
  return bitString(Buffer.from([byte]), unused);
}

/** subjectAltName entries: IPs as 4 or 16 bytes, names as dNSName. */
export function generalName(value: string): Buffer {
  if (isIPv4(value)) return tlv(0x87, Buffer.from(value.split('.').map(Number)));
  if (value.includes(':')) return tlv(0x87, ipv6Bytes(value));
  return tlv(0x82, Buffer.from(value, 'ascii'));
}

function ipv6Bytes(ip: string): Buffer {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => { const n = parseInt(g, 16); return [n >> 8, n & 0xff]; }));
}

// --- certificates ---
const OID = {
  commonName: '2.5.4.3', ecdsaSha256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', extKeyUsage: '2.5.29.37',
  subjectKeyId: '2.5.29.14', authorityKeyId: '2.5.29.35', subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2',
};
export const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

const name = (cn: string): Buffer => seq(tlv(0x31, seq(oid(OID.commonName), tlv(0x0c, Buffer.from(cn)))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

/** The key identifier as kubeadm's Go and openssl compute it: SHA-1 of the public key's bits. */
export function keyId(key: KeyObject): Buffer {
  const { x, y } = key.export({ format: 'jwk' });
  return createHash('sha1').update(Buffer.concat([Buffer.from([4]), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')])).digest();
}

export interface CertSpec {
  cn: string;
  ca?: boolean;
  keyUsage: number[];
  extKeyUsage?: Array<'serverAuth' | 'clientAuth'>;
  altNames?: string[];
  days: number;
}

export interface Issued {
  cert: Buffer;
  key: KeyObject;
  publicKey: KeyObject;
  subject: string;
}

export function newKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

/** A certificate for a new key, signed by `issuer` (self-signed without one). */
export function issue(spec: CertSpec, issuer?: Issued, now = new Date()): Issued {
  const { privateKey, publicKey } = newKey();
  const signer = issuer?.key ?? privateKey;
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  // An hour back: a container's clock may trail the host's by a little.
  const notBefore = new Date(now.getTime() - 3_600_000);
  const notAfter = new Date(now.getTime() + spec.days * 86_400_000);
  const exts = [
    extension(OID.basicConstraints, true, seq(...(spec.ca ? [bool(true)] : []))),
    extension(OID.keyUsage, true, keyUsageBits(spec.keyUsage)),
    ...(spec.extKeyUsage ? [extension(OID.extKeyUsage, false, seq(...spec.extKeyUsage.map((u) => oid(OID[u]))))] : []),
    ...(spec.ca ? [extension(OID.subjectKeyId, false, octets(keyId(publicKey)))] : []),
    ...(issuer ? [extension(OID.authorityKeyId, false, seq(tlv(0x80, keyId(issuer.publicKey))))] : []),
    ...(spec.altNames ? [extension(OID.subjectAltName, false, seq(...spec.altNames.map(generalName)))] : []),
  ];
  const algorithm = seq(oid(OID.ecdsaSha256));
  const tbs = seq(
    explicit(0, derInteger(Buffer.from([2]))),
    derInteger(serial),
    algorithm,
    name(issuer?.subject ?? spec.cn),
    seq(derTime(notBefore), derTime(notAfter)),
    name(spec.cn),
    publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...exts)),
  );
  const cert = seq(tbs, algorithm, bitString(sign('sha256', tbs, signer)));
  return { cert, key: privateKey, publicKey, subject: spec.cn };
}

export function certPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

export const keyPem = (key: KeyObject): string => key.export({ type: 'pkcs8', format: 'pem' }) as string;
