import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { prettyCommand } from '../../exec/errors.js';
import type { EtcdTools } from './access.js';

/**
 * Verifying an etcd snapshot file, the seeds' "verify with snapshot status after every save".
 * Two checks, because `etcdctl snapshot status` alone is fooled: it happily reports revision and
 * keys for a file cut short by a few pages (measured: a 20 KiB snapshot cut to 20,000 bytes), and
 * crashes with a bus error on others. etcd's snapshot stream ends with a SHA-256 of everything
 * before it (32 bytes; `snapshot restore` checks it and refuses a file without it), so
 * "size = whole 512-byte blocks + 32" and "the trailer matches" prove the file is complete.
 */

export const HASH_TRAILER = 32;

export type Integrity = 'ok' | 'empty' | 'no-trailer' | 'mismatch' | 'missing';

export interface SnapshotFacts {
  file: string;
  bytes: number;
  /** SHA-256 of the whole file, as an operator would record it next to the backup. */
  sha256?: string;
  integrity: Integrity;
  /** From `etcdctl snapshot status -w json`. */
  status?: { hash: number; revision: number; totalKey: number; totalSize: number };
  statusError?: string;
}

/** Streams the file once: the SHA-256 of all of it and of all but the last 32 bytes. */
export async function readIntegrity(file: string): Promise<Pick<SnapshotFacts, 'bytes' | 'sha256' | 'integrity'>> {
  let bytes: number;
  try {
    bytes = (await stat(file)).size;
  } catch {
    return { bytes: 0, integrity: 'missing' };
  }
  if (bytes === 0) return { bytes, integrity: 'empty' };
  const whole = createHash('sha256');
  const body = createHash('sha256');
  let tail = Buffer.alloc(0);
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    whole.update(chunk);
    // Hold back the last 32 bytes seen so far: they may be the trailer.
    const joined = Buffer.concat([tail, chunk]);
    const cut = Math.max(0, joined.length - HASH_TRAILER);
    body.update(joined.subarray(0, cut));
    tail = joined.subarray(cut);
  }
  const sha256 = whole.digest('hex');
  if (bytes % 512 !== HASH_TRAILER) return { bytes, sha256, integrity: 'no-trailer' };
  return { bytes, sha256, integrity: body.digest().equals(tail) ? 'ok' : 'mismatch' };
}

/** Integrity, then `etcdctl snapshot status` where the lab's etcd tools are (EtcdTools). */
export async function readSnapshotFacts(env: Parameters<EtcdTools['snapshotStatus']>[0], file: string, tools: EtcdTools): Promise<SnapshotFacts> {
  const facts: SnapshotFacts = { file, ...(await readIntegrity(file)) };
  if (facts.integrity === 'missing' || facts.integrity === 'empty') return facts;
  const r = await tools.snapshotStatus(env, file);
  if (r.exitCode === 0) {
    try {
      facts.status = JSON.parse(r.stdout.trim());
    } catch {
      facts.statusError = `unreadable output of ${prettyCommand(r.argv)}: ${r.stdout.slice(0, 200)}`;
    }
  } else {
    facts.statusError = lastErrorLine(r.stderr || r.stdout) ?? `exit code ${r.exitCode}`;
  }
  return facts;
}

/** etcdctl's crash output is a Go stack trace; the line that says why comes first ("fatal error: fault") or last ("Error: …"). */
export function lastErrorLine(out: string): string | undefined {
  const lines = out.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = [...lines].reverse().find((l) => l.startsWith('Error:'));
  if (error) return error;
  const fatal = lines.find((l) => /^(fatal error|panic|unexpected fault)/.test(l));
  return fatal ?? lines.at(-1);
}
