import type { ParamValue } from './types.js';
import type { Path } from './positions.js';
import { unknownName } from './suggest.js';

const REF = /\$\{([^}]*)\}/g;

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
    const m = /^\s*params\.([A-Za-z_][A-Za-z0-9_-]*)\s*$/.exec(expr);
    if (!m) {
      problems.push({ path, message: `unsupported reference "\${${expr}}": only \${params.<name>} is supported` });
      return undefined;
    }
    const name = m[1]!;
    if (!(name in params)) {
      problems.push({ path, message: `undefined param: ${unknownName('param', name, Object.keys(params)).replace(/^unknown param /, '')}` });
      return undefined;
    }
    return params[name];
  };
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) return lookup(whole[1]!) ?? text;
  const escaped = text.split('$${');
  return escaped
    .map((part) => part.replace(REF, (all, expr: string) => {
      const v = lookup(expr);
      return v === undefined ? all : String(v);
    }))
    .join('${');
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
