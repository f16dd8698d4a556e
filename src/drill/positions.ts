import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export type Path = readonly (string | number)[];

/** Maps a path in the parsed drill to line:col in its file (1-based), falling back to the nearest ancestor. */
export class Positions {
  constructor(private readonly doc: Document, private readonly lines: LineCounter) {}

  /** Position of the value at `path`, or of its key when `key` is true (for "unknown key" errors). */
  at(path: Path, key = false): { line: number; col: number } {
    let node: unknown = this.doc.contents;
    let last: unknown = node;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (isMap(node)) {
        const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const isLast = i === path.length - 1;
        if (isLast && key) {
          last = pair.key;
          break;
        }
        last = pair.value ?? pair.key;
        node = pair.value;
        if (!pair.value) break;
      } else if (isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        if (!item) break;
        last = item;
        node = item;
      } else {
        break;
      }
    }
    return this.pos(last as Node | undefined);
  }

  private pos(node: Node | undefined): { line: number; col: number } {
    const offset = node?.range?.[0] ?? 0;
    return this.lines.linePos(offset);
  }
}

export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** A message after the path it is about: words that finish a sentence ("is required", "must be …") follow the name; others a colon. */
export function named(p: Path, message: string): string {
  const where = formatPath(p);
  if (!where) return message;
  return /^(is|must|cannot) /.test(message) ? `${where} ${message}` : `${where}: ${message}`;
}
