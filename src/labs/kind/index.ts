import type { LabProvider } from '../types.js';
import { kindProvider } from './provider.js';

export const labProviders: LabProvider[] = [kindProvider];
