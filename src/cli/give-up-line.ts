import { createInterface, type Interface } from 'node:readline';
import { requestGiveUp } from '../trainer/give-up.js';

/** What the student types in the run's own terminal to give up the exercise that waits. */
export const GIVE_UP_LINE = /^\s*give\s*up\s*$/i;

/**
 * A line "give up" typed in the run's terminal asks the waiting exercise to give up, as
 * `kdrill lab give-up` does from another terminal (src/trainer/give-up.ts). Only on a terminal:
 * the line reader of --step (`rl`) when there is one, else one of its own in line mode (not raw,
 * so Ctrl-C stays the terminal's SIGINT). `waiting` names the exercise step that waits now, if any:
 * typed at another time, the line is answered, not kept. Returns what stops listening.
 */
export function listenForGiveUp(stateDir: string, rl: Interface | undefined, waiting: () => string | undefined): () => void {
  if (!process.stdin.isTTY) return () => {};
  const reader = rl ?? createInterface({ input: process.stdin, terminal: false });
  const onLine = (line: string) => {
    if (!GIVE_UP_LINE.test(line)) return;
    // Only an exercise that waits takes it: asked before it began, it would be cleared unseen.
    if (waiting()) requestGiveUp(stateDir, 'typed "give up" in the run\'s terminal');
    else process.stderr.write('kdrill: "give up" ends an exercise while it waits for you, and no exercise waits now (Ctrl-C stops the run; its restore runs)\n');
  };
  reader.on('line', onLine);
  return () => {
    reader.off('line', onLine);
    if (!rl) reader.close();
  };
}
