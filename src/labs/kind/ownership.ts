import type { FoundNode } from './commands.js';

/**
 * Proof that kdrill made a kind cluster. A marker file alone is not one: it survives `keep: true` and a
 * `kill -9`, and the user may since have deleted the cluster and made another of the same name by hand,
 * which a run that trusted the marker would adopt and delete. So the marker records the node
 * containers' IDs once `kind create` has returned, and a cluster is kdrill's only while its nodes are
 * those very containers (docker gives every new container a new ID).
 */
export interface Marker {
  /** When this run began creating the cluster. */
  started: string;
  /** Container name → ID of every node, written once `kind create` returned. */
  nodes?: Record<string, string>;
}

export const markerBeforeCreate = (now = new Date()): string => `${JSON.stringify({ started: now.toISOString() } satisfies Marker)}\n`;

export const markerAfterCreate = (started: string, found: FoundNode[]): string =>
  `${JSON.stringify({ started, nodes: Object.fromEntries(found.map((n) => [n.container, n.id])) } satisfies Marker, null, 2)}\n`;

export function readMarker(text: string): Marker | undefined {
  try {
    const m = JSON.parse(text) as Marker;
    return typeof m?.started === 'string' ? m : undefined;
  } catch {
    return undefined; // a marker of kdrill before its IDs were recorded: a bare timestamp
  }
}

/** Undefined when the cluster's nodes are the containers kdrill made; else why it cannot be proved. */
export function whyNotOurs(marker: Marker | undefined, found: FoundNode[]): string | undefined {
  if (!marker) return 'its marker records no node IDs (written by an older kdrill)';
  if (!marker.nodes) return `kdrill began creating it at ${marker.started} and was stopped before kind returned, so its nodes were never recorded`;
  const recorded = marker.nodes;
  const foreign = found.filter((n) => recorded[n.container] !== n.id).map((n) => n.container);
  const gone = Object.keys(recorded).filter((name) => !found.some((n) => n.container === name));
  if (foreign.length) return `node(s) ${foreign.join(', ')} are not the containers kdrill created at ${marker.started} (the cluster was made again since)`;
  if (gone.length) return `node(s) ${gone.join(', ')} that kdrill created at ${marker.started} are gone`;
  return undefined;
}
