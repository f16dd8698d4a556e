/**
 * Just enough of the tar format for `docker cp` through the Engine API, which takes and gives tar
 * streams: ustar entries for files and folders, PAX records for long names, and the reader side of
 * what docker's Go archive writer produces (ustar, PAX, GNU long names).
 */

export interface TarEntry {
  /** Slash-separated, relative: `pki/etcd/ca.crt`; folders without a trailing slash. */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  content?: Buffer;
  linkTarget?: string;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0');
}

function header(name: string, type: string, size: number, mode: number, linkname = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
  h.write(type, 156, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\u000000', 257, 'ascii');
  h.fill(' ', 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${octal(sum, 7)}\u0000`, 148, 'ascii');
  return h;
}

function padded(data: Buffer): Buffer[] {
  const rest = data.length % BLOCK;
  return rest === 0 ? [data] : [data, Buffer.alloc(BLOCK - rest)];
}

/** A PAX record `"<len> path=<name>\n"`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(body);
  let total = n + String(n).length;
  if (String(total).length + n !== total) total = String(total).length + n;
  return `${total}${body}`;
}

export function packTar(entries: TarEntry[]): Buffer {
  const out: Buffer[] = [];
  for (const e of entries) {
    const name = e.type === 'dir' ? `${e.name}/` : e.name;
    if (Buffer.byteLength(name) > 100) {
      const pax = Buffer.from(paxRecord('path', name));
      out.push(header('PaxHeader', 'x', pax.length, 0o644), ...padded(pax));
    }
    const short = Buffer.byteLength(name) > 100 ? name.slice(0, 100) : name;
    const content = e.type === 'file' ? e.content ?? Buffer.alloc(0) : Buffer.alloc(0);
    const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0';
    out.push(header(short, type, content.length, e.mode, e.linkTarget));
    if (content.length > 0) out.push(...padded(content));
  }
  out.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(out);
}

function field(h: Buffer, offset: number, length: number): string {
  const raw = h.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul === -1 ? length : nul).toString('utf8');
}

const num = (h: Buffer, offset: number, length: number): number => parseInt(field(h, offset, length).trim() || '0', 8);

/** PAX records: `<length> <key>=<value>\n`, the length in bytes and counting itself. */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const space = data.indexOf(0x20, i);
    const len = space < 0 ? 0 : Number(data.subarray(i, space).toString('ascii'));
    if (!(len > 0)) break;
    const record = data.subarray(space + 1, i + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    out[record.slice(0, eq)] = record.slice(eq + 1);
    i += len;
  }
  return out;
}

export function unpackTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  let next: { path?: string; linkpath?: string } = {};
  while (offset + BLOCK <= tar.length) {
    const h = tar.subarray(offset, offset + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = num(h, 124, 12);
    const type = String.fromCharCode(h[156]!);
    const data = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') { next = { ...next, ...paxRecords(data) }; continue; }
    if (type === 'g') continue;
    if (type === 'L') { next.path = data.toString('utf8').replace(/\0.*$/s, ''); continue; }
    if (type === 'K') { next.linkpath = data.toString('utf8').replace(/\0.*$/s, ''); continue; }
    const prefix = field(h, 345, 155);
    const name = next.path ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    const kind: TarEntry['type'] = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'dir' : type === '2' ? 'symlink' : 'other';
    entries.push({
      name: name.replace(/^\.\//, '').replace(/\/+$/, ''),
      type: kind,
      mode: num(h, 100, 8),
      ...(kind === 'file' ? { content: Buffer.from(data) } : {}),
      ...(kind === 'symlink' ? { linkTarget: next.linkpath ?? field(h, 157, 100) } : {}),
    });
    next = {};
  }
  return entries;
}
