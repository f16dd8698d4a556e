import type { Problem } from '../engine/errors.js';
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, statSync, type Stats } from 'node:fs';

/** A drill or a kind config is a few KB: a larger file is not one, and is never read whole into memory. */
export const MAX_YAML_BYTES = 1024 * 1024;

/** A file that cannot be read as text, with the place inside it when the problem has one. */
export class UnreadableFile extends Error {
  override name = 'UnreadableFile';
  constructor(message: string, readonly line = 1, readonly col = 1) {
    super(message);
  }

  /** The problem as `validate` reports it, in `file`. */
  at(file: string): Problem {
    return { file, line: this.line, col: this.col, message: this.message };
  }
}

/** What a path is, in the words of `not a regular file: /dev/null is a character device`. */
export function describe(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** stat, links followed; a failure says why in the operator's words (a dangling link names its target). */
export function statPath(p: string): Stats {
  try {
    return statSync(p);
  } catch (err) {
    throw new UnreadableFile(whyNot(p, err));
  }
}

function whyNot(p: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    const link = linkTarget(p);
    return link === undefined ? 'no such file or folder' : `a symbolic link to a missing file (${link})`;
  }
  const why: Record<string, string> = {
    ELOOP: 'a loop of symbolic links',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOTDIR: 'a part of the path is not a folder',
    ENAMETOOLONG: 'the path is too long',
    EISDIR: 'a folder, not a file',
    ENXIO: 'a socket or device with nothing behind it',
  };
  return (code && why[code]) ?? `cannot read it: ${(err as Error).message}`;
}

function linkTarget(p: string): string | undefined {
  try {
    return lstatSync(p).isSymbolicLink() ? readlinkSync(p) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a small UTF-8 text file. Only a regular file (links followed) of at most `limit` bytes is
 * read: a FIFO would block and /dev/zero would never end. The file is opened non-blocking and
 * checked again on its descriptor, so one swapped in after the stat cannot hang the read either.
 */
export function readSmallText(file: string, limit = MAX_YAML_BYTES): string {
  const st = statPath(file);
  if (!st.isFile()) throw new UnreadableFile(`not a regular file: ${file} is ${describe(st)}`);
  if (st.size > limit) throw tooLarge(st.size, limit);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new UnreadableFile(whyNot(file, err));
  }
  try {
    const again = fstatSync(fd);
    if (!again.isFile()) throw new UnreadableFile(`not a regular file: ${file} is ${describe(again)}`);
    return decode(readAtMost(fd, limit));
  } finally {
    closeSync(fd);
  }
}

/** Some regular files (under /proc) say size 0 and have content: read in chunks, stop past the limit. */
function readAtMost(fd: number, limit: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(64 * 1024);
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return Buffer.concat(chunks, total);
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > limit) throw tooLarge(total, limit, true);
  }
}

function tooLarge(size: number, limit: number, atLeast = false): UnreadableFile {
  return new UnreadableFile(`too large: ${atLeast ? 'more than ' : ''}${mib(size)}; kdrill reads YAML files of at most ${mib(limit)} (a drill is a few KB)`);
}

const mib = (bytes: number): string => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${bytes} bytes`);

/**
 * UTF-8 text without its byte order mark. UTF-16 and UTF-32 (with or without a BOM), NUL bytes and
 * invalid UTF-8 are refused with the place and the fix, rather than left to the YAML parser.
 */
export function decode(buf: Buffer): string {
  const utf8 = 'save it as UTF-8';
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
  if (startsWith(buf, [0xff, 0xfe, 0, 0]) || startsWith(buf, [0, 0, 0xfe, 0xff])) throw new UnreadableFile(`the file is UTF-32; ${utf8}`);
  if (startsWith(buf, [0xff, 0xfe]) || startsWith(buf, [0xfe, 0xff])) throw new UnreadableFile(`the file is UTF-16 (it starts with a UTF-16 byte order mark); ${utf8}`);
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    if (looksUtf16(buf)) throw new UnreadableFile(`the file is UTF-16 (every other byte is a NUL); ${utf8}`);
    const { line, col } = lineCol(buf, nul);
    throw new UnreadableFile('a NUL byte: this is not a text file', line, col);
  }
  const text = buf.toString('utf8');
  const bad = firstInvalid(Buffer.from(text, 'utf8'), buf);
  if (bad >= 0) {
    const { line, col } = lineCol(buf, bad);
    throw new UnreadableFile(`not UTF-8 (byte 0x${buf[bad]!.toString(16).padStart(2, '0')}): ${utf8}`, line, col);
  }
  return text;
}

const startsWith = (buf: Buffer, bytes: number[]): boolean => bytes.every((b, i) => buf[i] === b);

/** Mostly-ASCII text in UTF-16 has a NUL at every other byte, on one side only. */
function looksUtf16(buf: Buffer): boolean {
  const n = Math.min(buf.length, 4096) & ~1;
  let even = 0;
  let odd = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) even++;
    if (buf[i + 1] === 0) odd++;
  }
  const pairs = n / 2;
  return pairs > 0 && Math.max(even, odd) >= pairs * 0.3 && Math.min(even, odd) <= pairs * 0.05;
}

/**
 * The offset of the first invalid byte: the text re-encoded (each invalid sequence became U+FFFD)
 * equals the file up to there; the two may share the first bytes of that U+FFFD, so back up to its start.
 */
function firstInvalid(reencoded: Buffer, file: Buffer): number {
  const n = Math.min(reencoded.length, file.length);
  let i = 0;
  while (i < n && reencoded[i] === file[i]) i++;
  if (i === n && reencoded.length === file.length) return -1;
  while (i > 0 && (reencoded[i]! & 0xc0) === 0x80) i--;
  return i;
}

/** 1-based line and column (in characters) of a byte offset whose line before it is valid UTF-8. */
function lineCol(buf: Buffer, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = buf.indexOf(0x0a); i >= 0 && i < offset; i = buf.indexOf(0x0a, i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, col: buf.subarray(start, offset).toString('utf8').length + 1 };
}
