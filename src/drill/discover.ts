import { readdirSync, realpathSync, type Stats } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar } from 'yaml';
import { InvalidDrillError } from '../engine/errors.js';
import { readDrillText } from './loader.js';
import { statPath, UnreadableFile } from './read.js';
import { drillSchema } from './schema.js';
import { didYouMean } from './suggest.js';
import { parseYaml, type YamlText } from './yaml.js';

/** One path met while looking for drills: a drill to check, a file left out (and why), or a problem. */
export type Found =
  | { kind: 'drill'; file: string; yaml: YamlText }
  | { kind: 'skipped'; file: string; reason: string }
  | { kind: 'invalid'; file: string; error: InvalidDrillError }
  /** A kdrill inventory of kubeadm hosts (clusters/kubeadm-*.yaml): the command checks it as one, not as a drill. */
  | { kind: 'inventory'; file: string; text: string };

const YAML_FILE = /\.ya?ml$/i;
/** A drills folder has tens of folders; past this many, a link has led the search somewhere else. */
export const MAX_FOLDERS = 2000;

/**
 * What the given paths hold, in a fixed order: the paths as given, each folder's entries by name
 * (code-point order, whatever the locale). A file named explicitly is a drill. In a folder, every
 * `*.yaml` / `*.yml` (any case) is a drill, or skipped when it declares another apiVersion (kind
 * configs and manifests live beside drills), or a problem. Linked folders are followed, each
 * folder and file once (a link cycle ends there); hidden entries and node_modules are left out.
 */
export function discover(paths: string[]): Found[] {
  const walk = new Walk();
  for (const p of paths) walk.root(p);
  return walk.found;
}

/** The drill files only. */
export function findDrills(paths: string[]): string[] {
  return discover(paths).filter((f) => f.kind === 'drill').map((f) => f.file);
}

class Walk {
  readonly found: Found[] = [];
  /** dev:ino → the path it was first met at. */
  private readonly seen = new Map<string, string>();
  private folders = 0;
  /** The real path of the root being searched: a link to it or to a folder above it is not followed. */
  private rootReal = '';

  root(p: string): void {
    const st = this.stat(p);
    this.rootReal = realOrSelf(p);
    if (st?.isDirectory()) this.folder(p, st);
    else if (st) this.file(p, st, true);
  }

  private folder(dir: string, st: Stats): void {
    if (this.again(dir, st, 'folder')) return;
    const real = realOrSelf(dir);
    if (real !== this.rootReal && isWithin(this.rootReal, real)) {
      this.found.push({ kind: 'skipped', file: dir, reason: `a link to ${real}, which holds the folder being searched: not searched` });
      return;
    }
    if (++this.folders > MAX_FOLDERS) {
      if (this.folders === MAX_FOLDERS + 1) this.invalid(dir, `stopped searching: more than ${MAX_FOLDERS} folders (does a link lead out of the drills folder?)`);
      return;
    }
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      this.invalid(dir, `cannot read the folder: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      return;
    }
    for (const name of names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      const full = path.join(dir, name);
      const isYaml = YAML_FILE.test(name);
      const entry = this.stat(full, !isYaml);
      if (entry?.isDirectory()) this.folder(full, entry);
      else if (entry && isYaml) this.file(full, entry, false);
    }
  }

  private file(file: string, st: Stats, named: boolean): void {
    if (this.again(file, st, 'file')) return;
    let text: string;
    try {
      text = readDrillText(file);
    } catch (err) {
      if (!(err instanceof InvalidDrillError)) throw err;
      this.found.push({ kind: 'invalid', file, error: err });
      return;
    }
    const yaml = parseYaml(text);
    if (declaresInventory(yaml)) {
      this.found.push({ kind: 'inventory', file, text });
      return;
    }
    const verdict = named ? 'drill' : classify(yaml);
    if (verdict === 'drill') this.found.push({ kind: 'drill', file, yaml });
    else if ('skip' in verdict) this.found.push({ kind: 'skipped', file, reason: verdict.skip });
    else this.invalid(file, verdict.invalid);
  }

  /** stat, links followed; a path that cannot be is a problem, or a skipped file when `quiet` (not a YAML name). */
  private stat(p: string, quiet = false): Stats | undefined {
    try {
      return statPath(p);
    } catch (err) {
      if (!(err instanceof UnreadableFile)) throw err;
      if (quiet) this.found.push({ kind: 'skipped', file: p, reason: err.message });
      else this.invalid(p, err.message);
      return undefined;
    }
  }

  /** The same folder or file met again, through a link or a second path: said once, searched once. */
  private again(p: string, st: Stats, what: 'folder' | 'file'): boolean {
    const key = `${st.dev}:${st.ino}`;
    const first = this.seen.get(key);
    if (first === undefined) {
      this.seen.set(key, p);
      return false;
    }
    this.found.push({ kind: 'skipped', file: p, reason: `the same ${what} as ${first} (already ${what === 'folder' ? 'searched' : 'checked'})` });
    return true;
  }

  private invalid(file: string, message: string): void {
    this.found.push({ kind: 'invalid', file, error: new InvalidDrillError([{ file, line: 1, col: 1, message }]) });
  }
}

function realOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Whether `inner` is `outer` or below it. */
const isWithin = (inner: string, outer: string): boolean => {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Keys only a drill has at its top (a Kubernetes object or a kind config has none of them). */
const DRILL_KEYS = new Set(Object.keys(drillSchema.shape).filter((k) => !['apiVersion', 'kind', 'metadata'].includes(k)));

/**
 * Whether a YAML file in a folder is meant as a drill, from its parsed top-level keys (quoted keys
 * and flow style alike, aliases never expanded). A drill attempt is `apiVersion: kdrill/…` (or a
 * near miss such as `kdril/v1`), `kind: Drill`, a misspelt `apiVersion` key, or a key only a drill
 * has (steps, lab, …): it is checked, so its mistakes are told. A file that declares another
 * apiVersion is skipped, and so is a lab section kept in a file of its own (`provider: etcd`, as
 * clusters/etcd-3.yaml); one with no apiVersion and nothing of a drill is a problem.
 */
export function classify(yaml: YamlText): 'drill' | { skip: string } | { invalid: string } {
  let other: string | undefined;
  let provider: string | undefined;
  let empty = true;
  let broken = false;
  for (const doc of yaml.docs) {
    broken ||= doc.errors.length > 0;
    if (!isMap(doc.contents)) {
      empty &&= doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
      continue;
    }
    empty = false;
    for (const pair of doc.contents.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const value = isScalar(pair.value) ? String(pair.value.value) : '';
      if (key === 'apiVersion') {
        if (didYouMean(value.split('/')[0]!, ['kdrill'])) return 'drill';
        other ??= value;
      } else if (key === 'provider' && value !== '') {
        provider ??= value;
      } else if ((key === 'kind' && value.toLowerCase() === 'drill') || DRILL_KEYS.has(key) || didYouMean(key, ['apiVersion'])) {
        return 'drill';
      }
    }
  }
  if (other !== undefined) return { skip: `not a kdrill drill (apiVersion: ${shown(other)})` };
  // clusters/etcd-3.yaml: what a drill's lab: holds, kept as a file of its own.
  if (provider !== undefined) return { skip: `a lab section (provider: ${shown(provider)}), not a drill: a drill holds it under lab:` };
  // The drill checks say what is wrong with a broken or empty file better than a guess here.
  if (broken || empty) return 'drill';
  return { invalid: 'not a kdrill drill, and no apiVersion of another kind to skip it by: a drill starts with apiVersion: kdrill/v1 and kind: Drill' };
}

/** `kind: Inventory` beside a kdrill apiVersion (or none): a kubeadm inventory, however it is named. */
function declaresInventory(yaml: YamlText): boolean {
  return yaml.docs.some((doc) => {
    if (!isMap(doc.contents)) return false;
    const top = new Map(doc.contents.items.map((p) => [isScalar(p.key) ? String(p.key.value) : '', isScalar(p.value) ? String(p.value.value) : '']));
    return top.get('kind') === 'Inventory' && (!top.has('apiVersion') || didYouMean(top.get('apiVersion')!.split('/')[0]!, ['kdrill']) !== undefined);
  });
}

/** An apiVersion as found, quoted when it holds anything but a plain name. */
const shown = (v: string): string => (/^[\w./-]{1,80}$/.test(v) ? v : JSON.stringify(v.slice(0, 80)));
