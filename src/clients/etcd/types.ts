import type { NODE_SELECTORS } from '../../engine/types.js';

export type NodeSelector = (typeof NODE_SELECTORS)[number];
