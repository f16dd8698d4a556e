export declare const CATEGORIES: string[];
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
export type Resolve = (url: string, line: number, column: number) => string;
export declare function sourceResolver(): Resolve;
export declare function attribute(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  resolve?: Resolve,
  onSample?: (category: string, frames: string[], us: number) => void,
): { us: Record<string, number>; ownUs: number; busyUs: number; windowUs: number };
