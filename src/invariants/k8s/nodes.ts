import type { Lab } from '../../labs/types.js';

/** A drill's short node name (`control-plane3`) as the API names it (kind: the container name). */
export function apiNodeName(lab: Lab, short: string): string {
  return lab.nodes().find((n) => n.name === short)?.container ?? short;
}

/** The reverse: the API's node name as the drill calls it, when the lab knows it. */
export function drillNodeName(lab: Lab, apiName: string): string {
  return lab.nodes().find((n) => n.container === apiName)?.name ?? apiName;
}
