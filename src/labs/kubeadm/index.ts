import type { LabProvider } from '../types.js';
import { kubeadmProvider } from './provider.js';

export const labProviders: LabProvider[] = [kubeadmProvider];
