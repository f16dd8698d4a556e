import type { CommandRunner } from '../exec/runner.js';
import type { Lab } from '../labs/types.js';
import type { EventBus } from './events.js';
import type { Context } from './types.js';

export interface ContextInit {
  runner: CommandRunner;
  lab: Lab;
  events: EventBus;
  signal: AbortSignal;
  runDir: string;
  drillDir: string;
  state?: Map<string, unknown>;
}

/** The one context object of a run. `withSignal` derives a step's context bound to its own abort signal. */
export function createContext(init: ContextInit): Context & { withSignal(signal: AbortSignal, step?: string): Context } {
  const state = init.state ?? new Map<string, unknown>();
  const make = (signal: AbortSignal, step?: string): Context => ({
    runner: init.runner.withSignal(signal),
    lab: init.lab,
    events: init.events,
    signal,
    runDir: init.runDir,
    drillDir: init.drillDir,
    state,
    step,
    log: (message, level = 'info') => init.events.emit({ type: 'log', level, message: step ? `${step}: ${message}` : message }),
    measure: (name, value, unit) => init.events.emit({ type: 'measure', step, name, value, unit }),
  });
  return Object.assign(make(init.signal), { withSignal: make });
}
