import type { LabProvider } from '../types.js';

export const labProviders: LabProvider[] = [];
