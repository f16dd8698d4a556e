import path from 'node:path';
import type { z } from 'zod';
import { InvalidDrillError, type Problem } from '../engine/errors.js';
import type { ActionModule, InvariantModule, Modules, ParamFiles, ProbeModule } from '../engine/types.js';
import { CAPABILITIES } from '../labs/types.js';
import { durationProblem, parseDuration } from './duration.js';
import { resolveFiles } from './files.js';
import { nodeProblem, type LabInfo } from './lab.js';
import { applyOverrides, paramProblems, substitute, type SubstitutionProblem } from './params.js';
import { formatPath, named, Positions, type Path } from './positions.js';
import { readSmallText, UnreadableFile } from './read.js';
import { drillSchema } from './schema.js';
import { didYouMean, unknownName } from './suggest.js';
import { outlasting } from './timing.js';
import { knownKeys, PARSE, plainIssues, show } from './words.js';
import { DEFAULT_STEP_TIMEOUT_MS, DEFAULT_WITHIN_MS, DEFAULT_GUARD_INTERVAL_MS, type Budgets, type Check, type Drill, type Guard, type ParamValue, type Step } from './types.js';
import { parseOne, YamlError, type YamlText } from './yaml.js';

export interface LoadOptions {
  /** The modules names resolve to (src/cli/modules.ts: every registry). */
  modules: Modules;
  /** `--set name=value` overrides. */
  set?: Record<string, string>;
}

/** Reads, checks and resolves a drill file. Throws InvalidDrillError with every problem found. */
export function loadDrill(file: string, opts: LoadOptions): Drill {
  return parseDrill(readDrillText(file), file, opts);
}

/** A drill file's text: a regular UTF-8 file of a sane size, or an InvalidDrillError saying why not. */
export function readDrillText(file: string): string {
  try {
    return readSmallText(file);
  } catch (err) {
    if (err instanceof UnreadableFile) throw new InvalidDrillError([err.at(file)]);
    throw err;
  }
}

/** Checks a drill's text (or its YAML, already parsed by discovery). */
export function parseDrill(source: string | YamlText, file: string, opts: LoadOptions): Drill {
  return new DrillChecker(source, file, opts).check();
}

const DRILL = { noun: 'drill', starts: 'apiVersion: kdrill/v1 and kind: Drill' };

type Raw = Record<string, unknown>;
const isObj = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

class DrillChecker {
  private problems: Problem[] = [];
  private warnings: Drill['warnings'] = [];
  private positions!: Positions;
  private readonly dir: string;

  constructor(private readonly source: string | YamlText, private readonly file: string, private readonly opts: LoadOptions) {
    this.dir = path.dirname(path.resolve(file));
  }

  check(): Drill {
    let parsed: ReturnType<typeof parseOne>;
    try {
      parsed = parseOne(this.source, DRILL);
    } catch (err) {
      if (err instanceof YamlError) throw new InvalidDrillError(err.problems.map((p) => ({ file: this.file, ...p })));
      throw err;
    }
    this.positions = new Positions(parsed.doc, parsed.lineCounter);
    const raw = parsed.value;
    if (!isObj(raw)) {
      this.add([], 'a drill must be a YAML mapping with apiVersion: kdrill/v1 and kind: Drill');
      throw new InvalidDrillError(this.problems);
    }

    // Params are substituted everywhere but in `params` itself, before any other check, so that
    // `timeout: ${params.t}` or `members: ${params.n}` are checked with their real values.
    const params = this.params(raw);
    const subst: SubstitutionProblem[] = [];
    const { params: _defaults, ...rest } = raw;
    const drill: Raw = { ...(substitute(rest, params, [], subst) as Raw), ...(raw.params !== undefined ? { params: raw.params } : {}) };

    const envelope = drillSchema.safeParse(drill, PARSE);
    if (!envelope.success) this.addZod(envelope.error, [], drillSchema);

    const same = (v: unknown) => v;
    const lab = this.lab(drill.lab);
    const steps = this.steps(drill.steps, 'steps', same, lab);
    const restore = this.steps(drill.restore, 'restore', same, lab);
    this.uniqueNames([...steps.map((s) => ['steps', s] as const), ...restore.map((s) => ['restore', s] as const)]);
    const drillInvariants = this.checks(drill.invariants, ['invariants'], same, lab, 'invariant');
    const drillProbes = this.checks(drill.probes, ['probes'], same, lab, 'probe') as unknown as Check<ProbeModule>[];
    const guards = this.guards(drill.guards, lab);
    for (const s of subst) this.add(s.path, s.message);

    if (this.problems.length > 0) {
      this.problems.sort((a, b) => a.line - b.line || a.col - b.col);
      throw new InvalidDrillError(dedupe(this.problems));
    }
    const meta = drill.metadata as { name: string; title?: string; description?: string };
    return {
      file: this.file,
      dir: this.dir,
      name: meta.name,
      title: meta.title,
      description: meta.description,
      lab: lab!.spec as Drill['lab'],
      provider: lab!.provider,
      params,
      invariants: drillInvariants,
      probes: drillProbes,
      guards,
      steps,
      restore,
      budgets: budgetsOf(drill.budgets),
      warnings: [...(restore.length > 0 ? [] : this.unrestored(steps)), ...this.warnings].sort((a, b) => a.line - b.line || a.col - b.col),
    };
  }

  /** Steps that leave something changed, in a drill without a restore section: one warning each. */
  private unrestored(steps: Step[]): Drill['warnings'] {
    return steps.filter((s) => s.module.leavesBehind).map((s) => ({
      file: this.file, line: s.line, col: s.col,
      message: `steps "${s.name}": ${s.action} leaves ${s.module.leavesBehind} behind and this drill has no restore section: `
        + 'after a failure or a Ctrl-C, a kept or adopted lab (keep: true) stays that way',
    }));
  }

  private add(p: Path, message: string, key = false): void {
    this.addAt(p, p, message, key);
  }

  /**
   * A problem positioned at `pos` but named by `name` (an unknown key is named by its parent). Words
   * that finish a sentence ("is required", "must be …") follow the name; others follow a colon.
   */
  private addAt(pos: Path, name: Path, message: string, key = true): void {
    const { line, col } = this.positions.at(pos, key);
    this.problems.push({ file: this.file, line, col, message: named(name, message) });
  }

  private warn(p: Path, message: string, key = false): void {
    const { line, col } = this.positions.at(p, key);
    this.warnings.push({ file: this.file, line, col, message: named(p, message) });
  }

  /** zod's issues, in the operator's words; an unknown key with the nearest known one (`schema` knows them). */
  private addZod(error: z.ZodError, base: Path, schema: z.ZodType, extraKeys: readonly string[] = []): void {
    const issues = plainIssues(error.issues).map((i) => ({ ...i, at: [...base, ...(i.path as Array<string | number>)] as Path }));
    const hinted = new Set<string>();
    for (const issue of issues.filter((i) => i.keys)) {
      const known = [...knownKeys(schema, issue.path), ...extraKeys];
      for (const k of issue.keys!) {
        const hint = didYouMean(k, known);
        if (hint) hinted.add(formatPath([...issue.at, hint]));
        this.addAt([...issue.at, k], issue.at, unknownName('key', k, known));
      }
    }
    for (const issue of issues.filter((i) => !i.keys)) {
      // `stpes:` is one mistake: "did you mean steps?" says it, "steps is required" would say it twice.
      if (issue.message.startsWith('is required') && hinted.has(formatPath(issue.at))) continue;
      this.add(issue.at, issue.message, issue.atKey);
    }
  }

  private params(raw: Raw): Record<string, ParamValue> {
    const defaults: Record<string, ParamValue> = {};
    if (isObj(raw.params)) {
      for (const [k, v] of Object.entries(raw.params)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') defaults[k] = v;
      }
    }
    const set = this.opts.set ?? {};
    const { params, problems } = applyOverrides(defaults, set);
    for (const m of problems) this.add(['params'], m, true);
    for (const p of paramProblems(params)) {
      if (p.name in set && !p.key) this.add(['params'], `--set ${p.name}: ${p.message}`, true);
      else this.add(['params', p.name], p.message, p.key);
    }
    return params;
  }

  private lab(section: unknown): LabInfo | undefined {
    // A drill of host commands needs no lab section: the host itself.
    const spec = section ?? { provider: 'local' };
    if (!isObj(spec)) return undefined;
    const labProviders = this.opts.modules.labs;
    const known = Object.keys(labProviders);
    if (typeof spec.provider !== 'string') {
      this.add(['lab', 'provider'], spec.provider === undefined ? `is required: one of ${known.join(', ')}` : `must be one of ${known.join(', ')}, got ${show(spec.provider)}`);
      return undefined;
    }
    const provider = labProviders[spec.provider];
    if (!provider) {
      this.add(['lab', 'provider'], unknownName('lab provider', spec.provider, known));
      return undefined;
    }
    const parsed = provider.schema.safeParse(spec, PARSE);
    if (!parsed.success) {
      this.addZod(parsed.error, ['lab'], provider.schema);
      return undefined;
    }
    for (const p of provider.specProblems?.(parsed.data, { drillDir: this.dir }) ?? []) this.add(['lab', p.key], p.message);
    const ctx = { drillDir: this.dir };
    return {
      provider, spec: parsed.data, nodes: provider.nodeNames(parsed.data, ctx), offers: provider.capabilities(parsed.data, ctx),
      etcdMembers: provider.etcdMembers?.(parsed.data, ctx),
    };
  }

  private steps(
    list: unknown,
    key: 'steps' | 'restore',
    resolve: (v: unknown, p: Path) => unknown,
    lab: LabInfo | undefined,
  ): Step[] {
    if (!Array.isArray(list)) return [];
    const out: Step[] = [];
    list.forEach((s, i) => {
      if (!isObj(s) || typeof s.action !== 'string' || typeof s.name !== 'string') return;
      const at: Path = [key, i];
      const actions = this.opts.modules.actions;
      const mod = actions[s.action];
      if (!mod) {
        this.add([...at, 'action'], unknownName('action', s.action, Object.keys(actions)));
        return;
      }
      const withValue = resolve(s.with ?? {}, [...at, 'with']);
      const params = this.moduleParams(mod, withValue, [...at, 'with'], lab, [...at, 'action']);
      for (const key of mod.checkParams ?? []) {
        if (isObj(params) && isObj(withValue)) {
          params[key] = this.checks(withValue[key], [...at, 'with', key], (v) => v, lab, 'invariant');
        }
      }
      const timeoutMs = typeof s.timeout === 'string' ? parseDuration(s.timeout) : undefined;
      const { line, col } = this.positions.at(at);
      const step: Step = {
        name: s.name,
        action: s.action,
        module: mod,
        params,
        explain: typeof s.explain === 'string' ? s.explain.trim() : undefined,
        timeoutMs: timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
        expect: this.checks(s.expect, [...at, 'expect'], resolve, lab, 'invariant'),
        continueOnFailure: s.continueOnFailure === true,
        line,
        col,
      };
      for (const w of outlasting(step)) this.warn([...at, ...w.path], w.message, w.key);
      out.push(step);
    });
    return out;
  }

  private checks(
    list: unknown,
    at: Path,
    resolve: (v: unknown, p: Path) => unknown,
    lab: LabInfo | undefined,
    kind: 'invariant' | 'probe',
  ): Check[] {
    if (!Array.isArray(list)) return [];
    const registry: Record<string, InvariantModule | ProbeModule> = kind === 'invariant' ? this.opts.modules.invariants : this.opts.modules.probes;
    const out: Check<InvariantModule | ProbeModule>[] = [];
    list.forEach((item, i) => {
      if (!isObj(item) || Object.keys(item).length !== 1) return;
      const name = Object.keys(item)[0]!;
      const itemPath: Path = [...at, i, name];
      const mod = registry[name];
      if (!mod) {
        this.add(itemPath, unknownName(kind, name, Object.keys(registry)), true);
        return;
      }
      const body = resolve(item[name] ?? {}, itemPath);
      if (!isObj(body)) return;
      const { within, for: holdFor, ...rest } = body;
      const withinMs = this.duration(within, [...itemPath, 'within']) ?? DEFAULT_WITHIN_MS;
      const forMs = this.duration(holdFor, [...itemPath, 'for']) ?? 0;
      const params = this.moduleParams(mod, rest, itemPath, lab, itemPath, ['within', 'for']);
      const { line, col } = this.positions.at(itemPath, true);
      out.push({ name, module: mod, params, withinMs, forMs, line, col });
    });
    return out as Check[];
  }

  /**
   * `guards: [{<check>: {…params, interval}}]`: the same checks as invariants, polled every interval.
   * A guard breaches on its first failed poll, so `within` and `for` have no meaning there.
   */
  private guards(list: unknown, lab: LabInfo | undefined): Guard[] {
    if (!Array.isArray(list)) return [];
    const registry = this.opts.modules.invariants;
    const out: Guard[] = [];
    const seen = new Map<string, number>();
    list.forEach((item, i) => {
      if (!isObj(item) || Object.keys(item).length !== 1) return;
      const check = Object.keys(item)[0]!;
      const itemPath: Path = ['guards', i, check];
      const mod = registry[check];
      if (!mod) {
        this.add(itemPath, unknownName('check', check, Object.keys(registry)), true);
        return;
      }
      const body = item[check] ?? {};
      if (!isObj(body)) return;
      const { interval, within, for: holdFor, ...rest } = body;
      for (const [key, v] of [['within', within], ['for', holdFor]] as const) {
        if (v !== undefined) this.add([...itemPath, key], 'must not be set on a guard: a guard breaches on its first failed poll (how often it polls is its interval)', true);
      }
      const intervalMs = this.duration(interval, [...itemPath, 'interval'], true) ?? DEFAULT_GUARD_INTERVAL_MS;
      const params = this.moduleParams(mod, rest, itemPath, lab, itemPath, ['interval']);
      const n = (seen.get(check) ?? 0) + 1;
      seen.set(check, n);
      const { line, col } = this.positions.at(itemPath, true);
      out.push({ name: n === 1 ? check : `${check}#${n}`, check, module: mod, params, intervalMs, line, col });
    });
    return out;
  }

  private duration(v: unknown, p: Path, positive = false): number | undefined {
    if (v === undefined) return undefined;
    const problem = durationProblem(v, { positive });
    if (problem) this.add(p, problem);
    return problem ? undefined : parseDuration(v as string);
  }

  /** Checks a module's params: its zod schema, the lab's capabilities, node names and files. */
  private moduleParams(
    mod: { name: string; params: z.ZodType; requires?: ActionModule['requires']; nodeOp?: ActionModule['nodeOp']; files?: ParamFiles; nodeParams?: string[]; grpcOnly?: string },
    value: unknown,
    at: Path,
    lab: LabInfo | undefined,
    nameAt: Path,
    extraKeys: readonly string[] = [],
  ): unknown {
    if (lab) {
      for (const c of (mod.requires ?? []).filter((x) => !lab.offers.includes(x))) {
        const why = lab.provider.lacks?.(lab.spec, c, { drillDir: this.dir }) ?? `this ${lab.provider.name} lab offers ${lab.offers.map((o) => CAPABILITIES[o]).join(', ') || 'nothing'}`;
        this.add(nameAt, `${mod.name} needs ${CAPABILITIES[c]}: ${why}`, true);
      }
      const opLacks = mod.nodeOp && lab.offers.includes('nodeOps') ? lab.provider.nodeOpLacks?.(lab.spec, mod.nodeOp) : undefined;
      if (opLacks) this.add(nameAt, `${mod.name}: ${opLacks}`, true);
      if (mod.grpcOnly && lab.offers.includes('etcd') && lab.provider.etcdTransport?.(lab.spec) === 'exec') {
        this.add(nameAt, `${mod.name} needs etcd over gRPC (${mod.grpcOnly}); this lab reaches etcd through etcdctl in its nodes (etcdAccess: exec)`, true);
      }
    }
    const parsed = mod.params.safeParse(value, PARSE);
    if (!parsed.success) {
      this.addZod(parsed.error, at, mod.params, extraKeys);
      return value;
    }
    const params = parsed.data as Raw;
    if (lab && lab.nodes.length > 0) {
      for (const key of mod.nodeParams ?? []) {
        const v = params[key];
        const names = Array.isArray(v) ? v : v === undefined ? [] : [v];
        names.forEach((n, i) => {
          const problem = typeof n === 'string'
            ? nodeProblem(n, lab) ?? (mod.requires?.includes('nodeOps') ? lab.provider.nodeLacks?.(lab.spec, n, { drillDir: this.dir }) : undefined)
            : undefined;
          if (problem) this.add(Array.isArray(v) ? [...at, key, i] : [...at, key], problem);
        });
      }
    }
    if (!mod.files || !isObj(params)) return params;
    const files = resolveFiles(mod.files, params, this.dir);
    for (const p of files.problems) this.add([...at, p.key], p.message);
    return files.params;
  }

  private uniqueNames(all: ReadonlyArray<readonly ['steps' | 'restore', Step]>): void {
    const seen = new Map<string, string>();
    for (const [where, step] of all) {
      const first = seen.get(step.name);
      if (first) {
        this.problems.push({ file: this.file, line: step.line, col: step.col, message: `${where}: duplicate step name "${step.name}" (first used in ${first})` });
      } else {
        seen.set(step.name, `${where} at line ${step.line}`);
      }
    }
  }
}

/** `metadata.name is required`, `steps[0].with: unknown key "durashun"`. */

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The drill's budgets, durations in ms (the envelope's schema has said what is wrong with them). */
function budgetsOf(raw: unknown): Budgets {
  if (!isObj(raw)) return {};
  const ms = (v: unknown) => (typeof v === 'string' && durationProblem(v) === undefined ? parseDuration(v) : undefined);
  const n = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);
  const out: Budgets = { detectionMs: ms(raw.detection), writeGapMs: ms(raw.writeGap), recoveryMs: ms(raw.recovery), rpoKeys: n(raw.rpoKeys), rpoRevisions: n(raw.rpoRevisions) };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as Budgets;
}
