import { isCollection, isScalar, LineCounter, parseAllDocuments, visit, type Alias, type Document } from 'yaml';
import { show } from './words.js';

/** A problem of a YAML file's text, at its line:col; the caller adds the file. */
export interface YamlProblem {
  line: number;
  col: number;
  message: string;
}

export class YamlError extends Error {
  override name = 'YamlError';
  constructor(readonly problems: YamlProblem[]) {
    super(problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  }
}

/** What the file should hold, for the messages: `{ noun: 'drill', starts: 'apiVersion: kdrill/v1 and kind: Drill' }`. */
export interface Expected {
  noun: string;
  starts: string;
}

/** A YAML file's documents, parsed once for whoever looks next (discovery, then the drill checks). */
export interface YamlText {
  docs: Document.Parsed[];
  lineCounter: LineCounter;
}

export function parseYaml(text: string): YamlText {
  const lineCounter = new LineCounter();
  return { docs: [...parseAllDocuments(text, { lineCounter, prettyErrors: true, uniqueKeys: true })], lineCounter };
}

/**
 * The one YAML document of a file that holds one thing (a drill, a kind config), as a plain value.
 * A syntax error, an empty file, several documents, an alias bomb or an alias inside its own anchor
 * is a YamlError in the operator's words, never the YAML library's advice to its programmer.
 */
export function parseOne(source: string | YamlText, expected: Expected): { doc: Document.Parsed; lineCounter: LineCounter; value: unknown } {
  const { docs, lineCounter } = typeof source === 'string' ? parseYaml(source) : source;
  const at = (offset: number | undefined) => lineCounter.linePos(offset ?? 0);
  const syntax = docs.flatMap((d) => d.errors).map((e) => {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    const dup = e.code === 'DUPLICATE_KEY' ? keyAt(docs, e.pos[0]) : undefined;
    const message = e.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply to be read'
      : dup !== undefined ? `the key ${show(dup)} appears twice in the same mapping (each key once; the later one would replace the first)`
        : firstLine(e.message).replace(/ at line \d+, column \d+:?$/, '');
    return { ...pos, message: `YAML: ${message}` };
  });
  if (syntax.length > 0) throw new YamlError(syntax);
  const filled = docs.filter((d) => !isEmpty(d));
  if (filled.length === 0) {
    throw new YamlError([{ line: 1, col: 1, message: `the file is empty (nothing but comments or blank lines): a ${expected.noun} starts with ${expected.starts}` }]);
  }
  if (filled.length > 1) {
    const second = at(filled[1]!.range[0]);
    throw new YamlError([{ ...second, message: `one ${expected.noun} per file: this file has ${filled.length} YAML documents (line ${second.line} starts the second)` }]);
  }
  const doc = filled[0]!;
  const shape = shapeProblems(doc, at);
  if (shape.length > 0) throw new YamlError(shape);
  return { doc, lineCounter, value: plain(doc, at, expected) };
}

/** `---` followed by nothing, or a comment only, is not a document an operator wrote. */
function isEmpty(doc: Document.Parsed): boolean {
  const c = doc.contents;
  return c === null || (isScalar(c) && c.value === null && c.range![0] === c.range![1]);
}

/**
 * What toJS would throw on or turn into something no drill can be: an alias without its anchor, an
 * alias inside the node it names (an endless value), a key that is a list or a mapping.
 */
function shapeProblems(doc: Document.Parsed, at: (offset?: number) => { line: number; col: number }): YamlProblem[] {
  const out: YamlProblem[] = [];
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc);
      const inside = alias.range![0];
      if (!target) {
        out.push({ ...at(inside), message: `YAML: the alias *${alias.source} has no anchor &${alias.source} before it` });
      } else if (inside >= target.range![0] && inside < target.range![1]) {
        out.push({ ...at(inside), message: `YAML: the alias *${alias.source} is inside the node &${alias.source} it names: its value would never end` });
      }
    },
    Pair(_, pair) {
      if (isCollection(pair.key)) out.push({ ...at(pair.key.range?.[0]), message: 'YAML: a key must be a name, not a list or a mapping' });
    },
  });
  return out;
}

/** The value, with the YAML library's guard against alias bombs said in the operator's words. */
function plain(doc: Document.Parsed, at: (offset?: number) => { line: number; col: number }, expected: Expected): unknown {
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    const aliases: Alias[] = [];
    visit(doc, { Alias: (_, a) => void aliases.push(a) });
    if (!/alias/i.test((err as Error).message) || aliases.length === 0) throw err;
    throw new YamlError([{
      ...at(aliases[0]!.range?.[0]),
      message: `too many YAML aliases: the ${aliases.length} aliases (*name) of this file would expand into a huge document (a "billion laughs"); a ${expected.noun} needs few, if any`,
    }]);
  }
}

/** The scalar key that starts at `offset` (a duplicate key's error points there). */
function keyAt(docs: Document.Parsed[], offset: number): string | undefined {
  let found: string | undefined;
  for (const doc of docs) {
    visit(doc, {
      Pair(_, pair) {
        if (isScalar(pair.key) && pair.key.range?.[0] === offset) found = String(pair.key.value);
      },
    });
  }
  return found;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}
