import { lstat, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { EngineHttp } from './http.js';
import { daemonMessage, LeaveToCli } from './http.js';
import { packTar, unpackTar, type TarEntry } from './tar.js';

/**
 * `docker cp` through the Engine API, with the CLI's rules for where things land: `SRC/.` copies a
 * folder's contents, a destination that exists as a folder receives SRC inside it, one that does
 * not exist is created under SRC's content with its own name.
 */

export type CpArg = { container: string; path: string } | { local: string };

/** The CLI's own split: an absolute or ./-relative path is local; otherwise `container:path`. */
export function parseCpArg(arg: string): CpArg {
  if (path.isAbsolute(arg)) return { local: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { local: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

export class CopyError extends Error {}

const isContents = (p: string): boolean => p.endsWith('/.');
const trimContents = (p: string): string => (isContents(p) ? p.slice(0, -2) || '/' : p);
const archivePath = (container: string, p: string, extra = ''): string =>
  `/containers/${encodeURIComponent(container)}/archive?path=${encodeURIComponent(p)}${extra}`;

/** Renames the top folder of every entry (`pki/etcd/x` → `certs/etcd/x`), or drops it when `to` is ''. */
function rebase(entries: TarEntry[], from: string, to: string): TarEntry[] {
  return entries.flatMap((e) => {
    if (e.name === from) return to ? [{ ...e, name: to }] : [];
    if (!e.name.startsWith(`${from}/`)) return [e];
    const rest = e.name.slice(from.length + 1);
    return [{ ...e, name: to ? `${to}/${rest}` : rest }];
  });
}

async function readLocal(src: string): Promise<{ entries: TarEntry[]; isDir: boolean }> {
  const top = path.basename(src);
  const st = await lstat(src).catch(() => undefined);
  if (!st) throw new CopyError(`lstat ${src}: no such file or directory`);
  if (!st.isDirectory()) return { isDir: false, entries: [{ name: top, type: 'file', mode: st.mode, content: await readFile(src) }] };
  const entries: TarEntry[] = [{ name: top, type: 'dir', mode: st.mode }];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, d.name);
      const name = `${rel}/${d.name}`;
      const s = await lstat(full);
      if (d.isDirectory()) {
        entries.push({ name, type: 'dir', mode: s.mode });
        await walk(full, name);
      } else if (d.isFile()) {
        entries.push({ name, type: 'file', mode: s.mode, content: await readFile(full) });
      } else {
        throw new LeaveToCli(`${full} is neither a file nor a folder`);
      }
    }
  };
  await walk(src, top);
  return { isDir: true, entries };
}

/** Whether a path exists in the container, and whether it is a folder (the archive HEAD's stat header). */
async function statIn(http: EngineHttp, container: string, p: string, signal: AbortSignal): Promise<{ isDir: boolean } | undefined> {
  const res = await http.request('HEAD', archivePath(container, p), { signal });
  if (res.status === 404) return undefined;
  const header = res.headers['x-docker-container-path-stat'];
  if (res.status !== 200 || typeof header !== 'string') throw new CopyError(daemonMessage(res));
  const { mode } = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as { mode: number };
  // Go's os.ModeDir is the top bit of a uint32.
  return { isDir: mode >= 2 ** 31 };
}

export async function copyToContainer(http: EngineHttp, src: string, container: string, dest: string, signal: AbortSignal): Promise<void> {
  const { entries, isDir } = await readLocal(trimContents(src));
  const top = entries[0]!.name;
  const target = await statIn(http, container, dest, signal);
  let into: string;
  let tar: TarEntry[];
  if (target?.isDir) {
    into = dest;
    tar = isContents(src) && isDir ? rebase(entries, top, '') : entries;
  } else {
    if (isDir && target) throw new CopyError(`cannot copy a directory to a file: ${container}:${dest}`);
    into = path.posix.dirname(dest);
    tar = rebase(entries, top, path.posix.basename(dest));
  }
  const res = await http.request('PUT', archivePath(container, into, '&noOverwriteDirNonDir=true'), {
    body: await packTar(tar), contentType: 'application/x-tar', signal,
  });
  if (res.status !== 200) throw new CopyError(daemonMessage(res));
}

export async function copyFromContainer(http: EngineHttp, container: string, src: string, dest: string, signal: AbortSignal): Promise<void> {
  const res = await http.request('GET', archivePath(container, trimContents(src)), { signal });
  if (res.status !== 200) throw new CopyError(daemonMessage(res));
  const entries = await unpackTar(res.body);
  if (entries.length === 0) throw new CopyError(`${container}:${src}: empty archive`);
  const top = entries[0]!.name;
  const local = await stat(dest).catch(() => undefined);
  let into: string;
  let files: TarEntry[];
  if (local?.isDirectory()) {
    into = dest;
    files = isContents(src) ? rebase(entries, top, '') : entries;
  } else {
    into = path.dirname(dest);
    files = rebase(entries, top, path.basename(dest));
  }
  await writeEntries(into, files);
}

/** Writes what came out of a container, refusing any entry that would land outside `into`. */
async function writeEntries(into: string, entries: TarEntry[]): Promise<void> {
  const root = path.resolve(into);
  for (const e of entries) {
    const target = path.resolve(root, e.name);
    if (target !== root && !target.startsWith(`${root}${path.sep}`)) throw new CopyError(`refusing archive entry outside ${into}: ${e.name}`);
    // Links and devices: the CLI knows how to lay them out on the host.
    if (e.type === 'other' || e.type === 'symlink') throw new LeaveToCli(`${e.name} is a ${e.type}`);
  }
  for (const e of entries) {
    const target = path.resolve(root, e.name);
    if (e.type === 'dir') await mkdir(target, { recursive: true, mode: e.mode & 0o7777 });
    else {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, e.content ?? Buffer.alloc(0), { mode: e.mode & 0o7777 });
    }
  }
}
