import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { DrillEvent, Subscriber } from '../engine/events.js';

/**
 * The run's journal: one event per line, written synchronously on an append-mode fd. No buffering
 * in this process, so a `kill -9` loses nothing that was emitted before it.
 */
export function openJournal(file: string): { write: Subscriber; close(): void } {
  let fd: number | undefined = openSync(file, 'a');
  return {
    write(event: DrillEvent) {
      if (fd !== undefined) writeSync(fd, `${JSON.stringify(event)}\n`);
    },
    close() {
      // Called from the normal end and from the second Ctrl-C; the second call is a no-op.
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    },
  };
}

/**
 * Reads a journal back. A process killed mid-write leaves a partial last line: it is dropped (and
 * counted), every complete line before it is kept. A broken line elsewhere is a real corruption.
 */
export function readJournal(file: string): { events: DrillEvent[]; truncated: boolean } {
  if (!existsSync(file)) return { events: [], truncated: false };
  const lines = readFileSync(file, 'utf8').split('\n');
  const events: DrillEvent[] = [];
  let truncated = false;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line) as DrillEvent);
    } catch (err) {
      const last = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!last) throw new Error(`${file}:${i + 1}: not a journal line: ${(err as Error).message}`);
      truncated = true;
    }
  }
  return { events, truncated };
}
