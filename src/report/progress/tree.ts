import type { EventBus } from '../../engine/events.js';
import { visible, visibleLines } from '../escape.js';
import { ProgressSlots, type DrillShape, type Slot } from './slots.js';

export interface TreeOptions {
  /** listr2 renderer; 'default' is the live tree. Tests use 'test' or 'silent'. */
  renderer?: 'default' | 'simple' | 'test' | 'silent';
}

/**
 * The live tree on a terminal (listr2): phases as tasks, steps as their subtasks, each step's checks
 * as output lines under it. Every task only waits for its slot to be settled by the event stream,
 * so the tree shows the engine's run and never drives it.
 * listr2 is imported here, lazily: nothing loads it unless a terminal asks for the tree.
 */
export function treeProgress(drill: DrillShape, bus: EventBus, options: TreeOptions = {}): { done(): Promise<void> } {
  const slots = new ProgressSlots(drill);
  bus.subscribe((e) => slots.handle(e));
  let release: (() => void) | undefined;
  bus.subscribe((e) => {
    // Second Ctrl-C: the process exits right after this event, before listr2 would give the
    // terminal back. Hand back stdout/stderr (and the cursor) now, so the last words are seen.
    if (e.type === 'drill.end' && e.restoreNotRun) release?.();
  });

  const running = (async () => {
    const { Listr, ListrLogger, ProcessOutput } = await import('listr2');
    const processOutput = new ProcessOutput();
    release = () => processOutput.release();
    const logger = new ListrLogger({ useIcons: true, toStderr: [], processOutput });
    type Wrapper = { title: string; output: string; newListr: (...a: any[]) => unknown };

    // The slots keep the true text; what listr2 draws (and colours) is escaped here.
    const leaf = (s: Slot) => ({
      title: visible(s.title),
      rendererOptions: { outputBar: Infinity, persistentOutput: true },
      task: async (_: unknown, task: Wrapper) => {
        task.title = visible(s.title);
        for (const line of s.lines) task.output = visible(line);
        s.onLine = (line) => (task.output = visible(line));
        s.onTitle = (title) => (task.title = visible(title));
        const r = await s.result;
        s.onLine = undefined;
        s.onTitle = undefined;
        if (r.title) task.title = visible(r.title);
        if (r.status === 'skipped') (task as unknown as { skip(m?: string): void }).skip(r.message && visible(r.message));
        if (r.status === 'failed') throw new Error(visible(r.message ?? `${s.title} failed`));
      },
    });
    const group = (title: string, prefix: string) => {
      const members = slots.group(prefix);
      return members.length === 0 ? [] : [{
        title,
        task: (_: unknown, task: Wrapper) => task.newListr(members.map(leaf), { concurrent: false, exitOnError: false }),
      }];
    };
    const tasks = [
      ...slots.slots.filter((s) => s.key === 'lab' || s.key === 'steady').map(leaf),
      ...group('steps', 'steps:'),
      ...group('restore (always runs)', 'restore:'),
      ...slots.slots.filter((s) => s.key === 'final' || s.key === 'probes' || s.key === 'down').map(leaf),
    ];
    const list = new Listr(tasks as never, {
      concurrent: false,
      exitOnError: false,
      // The run's Ctrl-C handling belongs to the CLI (restore first); listr2 would exit on its own.
      registerSignalListeners: false,
      renderer: options.renderer ?? 'default',
      fallbackRenderer: 'simple',
      rendererOptions: { collapseSubtasks: false, collapseErrors: false, logger, showErrorMessage: true } as never,
    });
    await list.run();
  })();

  return {
    async done() {
      await running.catch((err: unknown) => {
        process.stderr.write(`${visibleLines(`kdrill: progress display failed: ${String(err)}`)}\n`);
      });
    },
  };
}
