import { setTimeout as delay } from 'node:timers/promises';
import { prettyCommand } from '../../exec/errors.js';
import { errorMessage } from '../../engine/errors.js';
import { findPodArgv, MANIFESTS_DIR, PARKED_DIR, parseContainerId } from '../kubeadm-layout.js';
import { STATIC_PODS, type NodeShell, type ShellContext, type StaticPod, type StaticPods } from '../types.js';

/** How long kubelet gets to stop or start a static Pod after its manifest moved (it looks every 20 s by default). */
export const POD_WAIT_MS = 90_000;

const manifest = (pod: StaticPod) => `${MANIFESTS_DIR}/${pod}.yaml`;
const parkedAt = (pod: StaticPod) => `${PARKED_DIR}/${pod}.yaml`;

/**
 * kubelet and static Pods on a kubeadm node, through its shell, the seeds' way: `systemctl stop
 * kubelet` (the static Pods keep running: nothing stops them), and a component's manifest moved to
 * /etc/kubernetes/kdrill-stopped/ (kubelet stops the Pod) and back (kubelet runs it again). The
 * component is one of kubeadm's four, never drill text: every argv here is fixed but for that name.
 */
export class ManifestPods implements StaticPods {
  constructor(private readonly shell: NodeShell, private readonly waitMs = POD_WAIT_MS) {}

  private run(ctx: ShellContext, node: string, argv: string[], allowFailure = false) {
    return this.shell.exec(ctx, node, argv, { timeoutMs: 30_000, allowFailure });
  }

  async stopKubelet(ctx: ShellContext, node: string): Promise<void> {
    await this.run(ctx, node, ['systemctl', 'stop', 'kubelet']);
  }

  async startKubelet(ctx: ShellContext, node: string): Promise<void> {
    await this.run(ctx, node, ['systemctl', 'start', 'kubelet']);
  }

  async kubeletActive(ctx: ShellContext, node: string): Promise<boolean | undefined> {
    const r = await this.run(ctx, node, ['systemctl', 'is-active', 'kubelet'], true);
    // No systemctl at all (exit 126/127 from docker exec or a shell): nothing to say about kubelet.
    if (r.exitCode === 127 || r.exitCode === 126 || /executable file not found|systemctl: not found/.test(r.stderr)) return undefined;
    return r.stdout.trim() === 'active';
  }

  async podRunning(ctx: ShellContext, node: string, pod: StaticPod): Promise<boolean> {
    const r = await this.run(ctx, node, findPodArgv(checked(pod)), true);
    if (r.exitCode !== 0) throw new Error(`${node}: crictl cannot list the ${pod} Pod's containers: ${r.stderr.trim().split('\n')[0]}`);
    return parseContainerId(r.stdout) !== undefined;
  }

  async parked(ctx: ShellContext, node: string): Promise<StaticPod[]> {
    const r = await this.run(ctx, node, ['ls', '-1', PARKED_DIR], true);
    if (r.exitCode !== 0) return [];
    return STATIC_PODS.filter((p) => r.stdout.split('\n').includes(`${p}.yaml`));
  }

  private async isParked(ctx: ShellContext, node: string, pod: StaticPod): Promise<boolean> {
    return (await this.run(ctx, node, ['test', '-f', parkedAt(pod)], true)).exitCode === 0;
  }

  async stopPod(ctx: ShellContext, node: string, pod: StaticPod): Promise<void> {
    checked(pod);
    if (!(await this.isParked(ctx, node, pod))) {
      if ((await this.kubeletActive(ctx, node)) === false) {
        throw new Error(`${node}: kubelet is stopped, so moving ${manifest(pod)} out would stop nothing (static Pods outlive a stopped kubelet): start kubelet first`);
      }
      await this.run(ctx, node, ['mkdir', '-p', PARKED_DIR]);
      await this.run(ctx, node, ['mv', manifest(pod), parkedAt(pod)]);
    }
    await this.waitPod(ctx, node, pod, false);
  }

  async startPod(ctx: ShellContext, node: string, pod: StaticPod): Promise<void> {
    checked(pod);
    if (await this.isParked(ctx, node, pod)) await this.run(ctx, node, ['mv', parkedAt(pod), manifest(pod)]);
    if ((await this.kubeletActive(ctx, node)) === false) {
      throw new Error(`${node}: ${manifest(pod)} is back, but kubelet is stopped: nothing will run the Pod until kubelet starts`);
    }
    await this.waitPod(ctx, node, pod, true);
  }

  /** Polls until the Pod is (or is no longer) running; a crictl that fails meanwhile (containerd restarting) is asked again. */
  private async waitPod(ctx: ShellContext, node: string, pod: StaticPod, up: boolean): Promise<void> {
    const end = performance.now() + this.waitMs;
    for (let last = '';;) {
      try {
        if ((await this.podRunning(ctx, node, pod)) === up) return;
        last = '';
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        last = `; last: ${errorMessage(err)}`;
      }
      if (performance.now() > end) {
        throw new Error(`${node}: kubelet did not ${up ? 'start' : 'stop'} the ${pod} Pod within ${this.waitMs / 1000} s (${prettyCommand(this.shell.argv(node, ['crictl', 'ps', '-a', '--name', pod]))})${last}`);
      }
      await delay(250, undefined, { signal: ctx.signal });
    }
  }

  plan(op: 'stopKubelet' | 'startKubelet' | 'stopPod' | 'startPod', node: string, pod: StaticPod = 'etcd'): string[] {
    const sh = (argv: string[]) => prettyCommand(this.shell.argv(node, argv));
    switch (op) {
      case 'stopKubelet': return [sh(['systemctl', 'stop', 'kubelet']), '# the static Pods keep running: nothing stops them without kubelet'];
      case 'startKubelet': return [sh(['systemctl', 'start', 'kubelet'])];
      case 'stopPod': return [sh(['mkdir', '-p', PARKED_DIR]), sh(['mv', manifest(pod), parkedAt(pod)]), `# until kubelet has stopped the ${pod} Pod: ${sh(findPodArgv(pod))} prints nothing`];
      case 'startPod': return [sh(['mv', parkedAt(pod), manifest(pod)]), `# until kubelet runs the ${pod} Pod: ${sh(findPodArgv(pod))} prints its container`];
    }
  }
}

function checked(pod: StaticPod): StaticPod {
  if (!STATIC_PODS.includes(pod)) throw new Error(`not a kubeadm static Pod: ${JSON.stringify(pod)} (one of ${STATIC_PODS.join(', ')})`);
  return pod;
}
