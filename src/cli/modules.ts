import type { Modules } from '../engine/types.js';
import { actions } from '../actions/registry.js';
import { invariants } from '../invariants/registry.js';
import { probes } from '../probes/registry.js';
import { labProviders } from '../labs/registry.js';

/**
 * Every module kdrill has, by name: handed to the loader (which resolves a drill's names to them)
 * and to `kdrill schema`. The engine and the loader import no registry; layers point one way:
 * cli → drill loading → engine → (actions, invariants, probes) → labs → clients → exec.
 */
export const modules: Modules = { actions, invariants, probes, labs: labProviders };
