import type { ParamValue } from './types.js';
import type { Path } from './positions.js';
import { unknownName } from './suggest.js';

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const PARAM_REF = /^\s*params\.([A-Za-z_][A-Za-z0-9_-]*)\s*$/;

export interface SubstitutionProblem {
  path: Path;
  message: string;
}

/**
 * Replaces `${params.name}` in every string below `value`. A string that is exactly one reference
 * takes the param's own type (so `members: ${params.members}` stays a number). `$${` escapes.
 */
export function substitute(
  value: unknown,
  params: Record<string, ParamValue>,
  path: Path,
  problems: SubstitutionProblem[],
): unknown {
  if (typeof value === 'string') return substituteString(value, params, path, problems);
  if (Array.isArray(value)) return value.map((v, i) => substitute(v, params, [...path, i], problems));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, params, [...path, k], problems)]),
    );
  }
  return value;
}

function substituteString(
  text: string,
  params: Record<string, ParamValue>,
  path: Path,
  problems: SubstitutionProblem[],
): ParamValue {
  if (!text.includes('${')) return text;
  const lookup = (expr: string): ParamValue | undefined => {
    const m = PARAM_REF.exec(expr);
    if (!m) {
      problems.push({ path, message: `unsupported reference "\${${expr}}": only \${params.<name>} is supported (write $\${ for a literal \${)` });
      return undefined;
    }
    const name = m[1]!;
    if (!(name in params)) {
      problems.push({ path, message: `undefined param: ${unknownName('param', name, Object.keys(params)).replace(/^unknown param /, '')}` });
      return undefined;
    }
    return params[name];
  };
  const whole = /^\$\{([^${}]*)\}$/.exec(text);
  if (whole) return lookup(whole[1]!) ?? text;
  let out = '';
  let i = 0;
  for (;;) {
    const at = text.indexOf('${', i);
    if (at < 0) return out + text.slice(i);
    if (text[at - 1] === '$') {
      out += `${text.slice(i, at - 1)}\${`;
      i = at + 2;
      continue;
    }
    const end = text.indexOf('}', at);
    const next = text.indexOf('${', at + 2);
    if (end < 0 || (next >= 0 && next < end)) {
      // Taken as text, `${params.x` would reach a command as it is: refused, not guessed at.
      const stop = next >= 0 ? next : text.length;
      problems.push({ path, message: `unclosed reference "${text.slice(at, stop).trimEnd()}": end it with } (or write $\${ for a literal \${)` });
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    const v = lookup(text.slice(at + 2, end));
    out += text.slice(i, at) + (v === undefined ? text.slice(at, end + 1) : String(v));
    i = end + 1;
  }
}

/**
 * A param's value is used as written: a `${params.…}` in it (a default or a `--set`) is refused, not
 * resolved, so what a step gets never depends on the order params are read in. A param's name must be
 * one a reference can name.
 */
export function paramProblems(params: Record<string, ParamValue>): Array<{ name: string; key: boolean; message: string }> {
  const out: Array<{ name: string; key: boolean; message: string }> = [];
  for (const [name, value] of Object.entries(params)) {
    if (!PARAM_NAME.test(name)) {
      out.push({ name, key: true, message: `a param's name is letters, digits, _ and - (starting with a letter or _): \${params.${name}} could never use it` });
    }
    if (typeof value !== 'string') continue;
    const ref = /\$\{\s*params\.([A-Za-z0-9_-]*)[^}]*\}?/.exec(value);
    if (ref && value[ref.index - 1] !== '$') {
      const what = ref[1] === name ? 'itself' : 'another param';
      out.push({ name, key: false, message: `must not refer to ${what} ("${ref[0]}"): a param's value is used as written, so write the value itself` });
    }
  }
  return out;
}

/** Applies `--set name=value` overrides, converting to the default's type. */
export function applyOverrides(
  defaults: Record<string, ParamValue>,
  overrides: Record<string, string>,
): { params: Record<string, ParamValue>; problems: string[] } {
  const params = { ...defaults };
  const problems: string[] = [];
  for (const [name, text] of Object.entries(overrides)) {
    if (!(name in defaults)) {
      problems.push(`--set ${name}: ${unknownName('param', name, Object.keys(defaults))}`);
      continue;
    }
    const def = defaults[name];
    if (typeof def === 'number') {
      const n = Number(text);
      if (text.trim() === '' || Number.isNaN(n)) problems.push(`--set ${name}=${text}: expected a number`);
      else params[name] = n;
    } else if (typeof def === 'boolean') {
      if (text !== 'true' && text !== 'false') problems.push(`--set ${name}=${text}: expected true or false`);
      else params[name] = text === 'true';
    } else {
      params[name] = text;
    }
  }
  return { params, problems };
}
