import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * Giving up an exercise (issue 17). The student asks from another terminal (`kdrill lab give-up
 * <drill>`): a request file in the lab's state folder, the folder `kdrill run` and `kdrill lab` share.
 * The exercise waiting on that lab takes it at its next poll (the file goes: that is the answer the
 * asking command waits for), ends as given up, and the run's restore repairs the lab.
 */
const REQUEST = 'give-up-requested';
/** The exercise's answer: the request was taken, and what it ended as. */
const ANSWER = 'give-up-answered';

export interface GiveUpRequest {
  /** When it was asked (ISO time). */
  at: string;
  /** Who asked, for the report: `kdrill lab give-up (pid 123)`. */
  by: string;
}

export const giveUpFile = (stateDir: string): string => path.join(stateDir, REQUEST);

export function requestGiveUp(stateDir: string, by: string, now = new Date()): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(giveUpFile(stateDir), `${JSON.stringify({ at: now.toISOString(), by } satisfies GiveUpRequest)}\n`);
}

/** The request, taken (its file removed), or undefined when nobody asked. `answer` tells the asker what happens now. */
export function takeGiveUp(stateDir: string, answer: (req: GiveUpRequest) => string): GiveUpRequest | undefined {
  const file = giveUpFile(stateDir);
  if (!existsSync(file)) return undefined;
  let req: GiveUpRequest;
  try {
    req = JSON.parse(readFileSync(file, 'utf8')) as GiveUpRequest;
  } catch {
    req = { at: new Date().toISOString(), by: 'a request file' };
  }
  rmSync(file, { force: true });
  writeFileSync(path.join(stateDir, ANSWER), `${answer(req)}\n`);
  return req;
}

/** The exercise's answer to this command's request, taken (its file removed), or undefined while there is none. */
export function takeAnswer(stateDir: string): string | undefined {
  const file = path.join(stateDir, ANSWER);
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8').trim();
  rmSync(file, { force: true });
  return text;
}

/** A request (or an answer) left from before this exercise began is not for it. */
export function clearGiveUp(stateDir: string): void {
  rmSync(giveUpFile(stateDir), { force: true });
  rmSync(path.join(stateDir, ANSWER), { force: true });
}

export const giveUpPending = (stateDir: string): boolean => existsSync(giveUpFile(stateDir));

/**
 * The asking side (`kdrill lab give-up`): a fresh request, then the exercise's answer, looked for
 * every 100 ms for `waitMs`; undefined when no exercise took it (the request is withdrawn either way).
 */
export async function askToGiveUp(stateDir: string, by: string, waitMs: number, signal: AbortSignal): Promise<string | undefined> {
  clearGiveUp(stateDir);
  requestGiveUp(stateDir, by);
  const end = performance.now() + waitMs;
  try {
    for (;;) {
      const answer = takeAnswer(stateDir);
      if (answer !== undefined) return answer;
      if (performance.now() >= end) return undefined;
      await delay(100, undefined, { signal });
    }
  } finally {
    clearGiveUp(stateDir);
  }
}
