import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { removeEtcdLab } from '../labs/helpers.js';
import { root, tempDir } from './kdrill.js';

/**
 * A shipped drill (an exercise) on a lab of the test's own: its own lab name, temp folder and state
 * folder (KDRILL_STATE_DIR), so two test runs on one machine do not meet.
 *
 *   const ex = exerciseLab('drills/exercises/quorum-back.yaml', 'kdt7-exq');
 *   afterAll(ex.removeLab);
 *   spawnKdrill(['run', ex.file, ...], ex.env);
 */
export function exerciseLab(drill: string, prefix: string): {
  lab: string;
  dir: string;
  env: { KDRILL_STATE_DIR: string };
  /** The drill with its lab renamed, in the test's folder. */
  file: string;
  /** Another copy (`name`), changed by `edit` first. */
  copy(name: string, edit: (doc: Document) => void): string;
  /** Removes the lab's containers (by kdrill's label) and its network, whatever the test left. */
  removeLab(): void;
} {
  const lab = `${prefix}-${process.pid % 10000}`;
  const dir = tempDir(`kdrill-${prefix}-`);
  const copy = (name: string, edit: (doc: Document) => void = () => {}): string => {
    const doc = parseDocument(readFileSync(path.join(root, drill), 'utf8'));
    doc.setIn(['lab', 'name'], lab);
    edit(doc);
    const file = path.join(dir, name);
    writeFileSync(file, doc.toString());
    return file;
  };
  return {
    lab, dir, env: { KDRILL_STATE_DIR: path.join(dir, 'state') }, file: copy(path.basename(drill)), copy,
    removeLab: () => removeEtcdLab(lab),
  };
}
