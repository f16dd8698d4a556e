import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A lab brought up by `kdrill lab up` is held for the trainer until `kdrill lab down`: a drill run
 * on it adopts it and leaves it up, whatever the drill's `keep`. The mark is a file in the lab's
 * state folder, which the lab's own removal deletes with the folder.
 */
const HELD = 'held-by-kdrill-lab-up';

export function holdLab(stateDir: string): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(path.join(stateDir, HELD), `${new Date().toISOString()}\n`);
}

/** Why a run must leave the lab up, or undefined when nothing holds it. */
export function heldReason(stateDir: string): string | undefined {
  return existsSync(path.join(stateDir, HELD)) ? 'held by kdrill lab up (kdrill lab down removes it)' : undefined;
}
