import type { z } from 'zod';

/**
 * zod's issues in the operator's words ("is required", "must be one of …", "got …"), and the keys a
 * schema knows at a path (for "did you mean"). A schema's own message (a regex's, a refine's) wins over
 * these words; they replace zod's defaults ("Invalid input: expected string, received undefined").
 */

/** What a terminal acts on: C0 and C1 controls, DEL, line and paragraph separators, bidirectional overrides. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** JSON's quoting, with what JSON leaves as it is (DEL, C1, bidi overrides) as \u escapes too. */
const quote = (t: string): string =>
  JSON.stringify(t).replace(new RegExp(CONTROL.source, 'gu'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** A value from a drill as a message shows it. */
export function show(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (typeof v === 'string') return quote(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

const TYPES: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'a whole number', boolean: 'true or false',
  array: 'a list', tuple: 'a list', object: 'a mapping', record: 'a mapping', null: 'nothing',
};

const oneOf = (values: readonly unknown[]): string =>
  values.length === 1 ? String(values[0]) : `one of ${values.slice(0, -1).map(String).join(', ')} or ${String(values.at(-1))}`;

type Raw = z.core.$ZodRawIssue;

function typeWords(iss: Raw & { code: 'invalid_type' }): string {
  const quoted = (iss.expected === 'number' || iss.expected === 'int') && typeof iss.input === 'string' && iss.input.trim() !== '' && !Number.isNaN(Number(iss.input));
  return `must be ${TYPES[iss.expected] ?? iss.expected}, got ${show(iss.input)}${quoted ? ' (a number is written without quotes)' : ''}`;
}

function sizeWords(iss: Raw & { code: 'too_small' | 'too_big' }): string {
  const small = iss.code === 'too_small';
  const limit = Number(small ? iss.minimum : iss.maximum);
  if (iss.origin === 'array' || iss.origin === 'string') {
    if (small && limit === 1) return 'must not be empty';
    const unit = iss.origin === 'array' ? 'item' : 'character';
    return `must have ${small ? 'at least' : 'at most'} ${limit} ${unit}${limit === 1 ? '' : 's'}`;
  }
  if (iss.inclusive === false) return `must be ${small ? 'more' : 'less'} than ${limit}`;
  return `must be ${small ? 'at least' : 'at most'} ${limit}`;
}

/** Each branch's own expectation, when every branch refused the value as a whole ("a string or a mapping"). */
function unionWords(iss: Raw & { code: 'invalid_union' }): string | undefined {
  const wanted: string[] = [];
  for (const branch of iss.errors) {
    const root = branch.length === 1 && branch[0]!.path.length === 0 ? branch[0]! : undefined;
    if (root?.code === 'invalid_type') wanted.push(TYPES[root.expected] ?? root.expected);
    else if (root?.code === 'invalid_value') wanted.push(...root.values.map(String));
    else return undefined;
  }
  return `must be ${[...new Set(wanted)].join(', ').replace(/, ([^,]*)$/, ' or $1')}, got ${show(iss.input)}`;
}

/** The per-parse error map: zod's default messages in the operator's words. */
export function operatorWords(iss: Raw): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'is required' : typeWords(iss);
    case 'invalid_value':
      return iss.input === undefined ? `is required: ${oneOf(iss.values)}` : `must be ${oneOf(iss.values)}, got ${show(iss.input)}`;
    case 'too_small':
    case 'too_big':
      return sizeWords(iss);
    case 'invalid_union':
      return unionWords(iss);
    case 'not_multiple_of':
      return `must be a multiple of ${iss.divisor}`;
    case 'invalid_key':
      return iss.issues[0]?.message;
    default:
      return undefined;
  }
}

/** How every schema is parsed: the operator's words, and the input kept for "got …". */
export const PARSE = { reportInput: true, error: operatorWords } as const;

export interface PlainIssue {
  path: readonly PropertyKey[];
  code: string;
  message: string;
  keys?: string[];
  /** The fault is the key itself (a record's key), not its value. */
  atKey?: boolean;
}

/**
 * The issues to show: a union that failed inside one branch (the value had that branch's shape)
 * shows that branch's issues, at their own paths; every message says what it got.
 */
export function plainIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): PlainIssue[] {
  return issues.flatMap((iss): PlainIssue[] => {
    const path = [...base, ...iss.path];
    if (iss.code === 'invalid_union' && iss.errors.length > 0) {
      const shaped = iss.errors.find((b) => b.length > 0 && b.every((i) => i.path.length > 0 || (i.code !== 'invalid_type' && i.code !== 'invalid_value')));
      if (shaped) return plainIssues(shaped, path);
    }
    if (iss.code === 'unrecognized_keys') return [{ path, code: iss.code, message: iss.message, keys: iss.keys }];
    // An empty text or list adds nothing the message has not said ("must not be empty").
    const input = 'input' in iss ? iss.input : undefined;
    const empty = input === undefined || input === '' || (Array.isArray(input) && input.length === 0);
    const got = !empty && !/\bgot\b|^is required/.test(iss.message) ? `, got ${show(input)}` : '';
    return [{ path, code: iss.code, message: `${iss.message}${got}`, ...(iss.code === 'invalid_key' ? { atKey: true } : {}) }];
  });
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value may be checked by: wrappers (optional, default, pipe…) opened, unions split. */
function open(s: z.ZodType): z.ZodType[] {
  const d = defOf(s);
  if (d.innerType) return open(d.innerType);
  if (d.type === 'pipe' && d.in) return open(d.in);
  if (d.type === 'union' && d.options) return d.options.flatMap(open);
  if (d.type === 'intersection' && d.left && d.right) return [...open(d.left), ...open(d.right)];
  return [s];
}

/** The keys the object schema(s) at `path` know, for "did you mean" on an unknown key. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let at = open(schema);
  for (const seg of path) {
    at = at.flatMap((s) => {
      const d = defOf(s);
      const next = d.type === 'object' ? d.shape?.[String(seg)] : d.type === 'array' ? d.element : d.type === 'record' ? d.valueType : undefined;
      return next ? open(next) : [];
    });
  }
  return [...new Set(at.flatMap((s) => (defOf(s).type === 'object' ? Object.keys(defOf(s).shape ?? {}) : [])))];
}
