import type { Header } from 'tar-stream';

/**
 * The tar streams `docker cp` sends and receives through the Engine API, by tar-stream: ustar
 * entries, PAX records for long names, and what docker's Go archive writer produces (ustar, PAX,
 * GNU long names). kdrill's copies are a few small files, so both sides work on whole buffers.
 * Loaded on the first copy, not with the run command (80 KB bundled with its stream library).
 */

export interface TarEntry {
  /** Slash-separated, relative: `pki/etcd/ca.crt`; folders without a trailing slash. */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  content?: Buffer;
  linkTarget?: string;
}

/** The package's CommonJS exports: what both Node and the bundle's lazily loaded chunk give as `default`. */
const tarStream = async (): Promise<typeof import('tar-stream')> => (await import('tar-stream')).default;

const typeOf = (h: Header): TarEntry['type'] =>
  h.type === 'file' || h.type === 'contiguous-file' ? 'file' : h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : 'other';

export async function packTar(entries: TarEntry[]): Promise<Buffer> {
  const { pack } = await tarStream();
  const tar = pack();
  for (const e of entries) {
    const mode = e.mode & 0o7777;
    if (e.type === 'dir') tar.entry({ name: e.name, type: 'directory', mode });
    else if (e.type === 'symlink') tar.entry({ name: e.name, type: 'symlink', linkname: e.linkTarget ?? '', mode });
    else tar.entry({ name: e.name, mode }, e.content ?? Buffer.alloc(0));
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function unpackTar(tar: Buffer): Promise<TarEntry[]> {
  const { extract } = await tarStream();
  const reader = extract();
  reader.end(tar);
  const entries: TarEntry[] = [];
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const type = typeOf(entry.header);
    entries.push({
      name: entry.header.name.replace(/^\.\//, '').replace(/\/+$/, ''),
      type,
      mode: entry.header.mode,
      ...(type === 'file' ? { content: Buffer.concat(chunks) } : {}),
      ...(type === 'symlink' ? { linkTarget: entry.header.linkname } : {}),
    });
  }
  return entries;
}
