import type { LabEnv, LabProvider } from '../types.js';
import { KubeadmLab } from './lab.js';
import { kubeadmValidation, type KubeadmSpec } from './spec.js';

export const kubeadmProvider: LabProvider<KubeadmSpec> = {
  ...kubeadmValidation,
  create: (spec: KubeadmSpec, env: LabEnv) => new KubeadmLab(spec, env),
};
