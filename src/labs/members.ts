import type { ShellContext } from './types.js';

/**
 * One etcd member's process, data dir and config, behind the lab (the seeds' recovery steps):
 * the etcd lab rewrites the member's config file, kubeadm and kind its static-Pod manifest.
 * Member replace and snapshot restore use this, and build no docker or ssh argv themselves.
 */

/** What recovery reads from and writes to a member's config (everything else, TLS and URLs, is kept). */
export interface MemberConfig {
  /** The member name (kubeadm: the node name). */
  name: string;
  /** Its first --initial-advertise-peer-urls. */
  peerURL: string;
  dataDir: string;
  /** Its first --advertise-client-urls, where a lab reads it (kubeadm: the manifest). */
  clientURL?: string;
}

export interface MemberChange {
  dataDir: string;
  state: 'new' | 'existing';
  /** `name=peerURL,…` */
  initialCluster: string;
  token?: string;
}

export interface RestoreOptions {
  name: string;
  initialCluster: string;
  token: string;
  peerURL: string;
  dataDir: string;
}

export interface EtcdMemberHost {
  /** Stops the member and waits until it is down (a finished state change, even on Ctrl-C). */
  stop(ctx: ShellContext, node: string): Promise<void>;
  /** Starts the member with its current config. */
  start(ctx: ShellContext, node: string): Promise<void>;
  running(ctx: ShellContext, node: string): Promise<boolean>;
  config(ctx: ShellContext, node: string): Promise<MemberConfig>;
  /** Rewrites the member's config for a new data dir and cluster; the member must be stopped. */
  reconfigure(ctx: ShellContext, node: string, change: MemberChange): Promise<void>;
  /**
   * `etcdctl snapshot restore` of `file` for this member into `o.dataDir` on its node. It writes a new
   * folder, so the member may be running or stopped (kind restores with the etcdctl of the member's Pod).
   */
  restore(ctx: ShellContext, node: string, file: string, o: RestoreOptions): Promise<string | void>;
  /**
   * kubeadm's way for a member replace: the member's data dir emptied in place (moved aside to the
   * returned folder, kept until the new member runs), so the manifest keeps kubeadm's path. A lab
   * without it gets a fresh data dir instead. The member must be stopped.
   */
  wipe?(ctx: ShellContext, node: string): Promise<string>;
  /** Removes a data dir the member no longer uses (the member must be running on another one). */
  removeDataDir(ctx: ShellContext, node: string, dir: string): Promise<void>;
  /** --dry-run lines of one operation on one member. */
  plan(op: 'stop' | 'start' | 'reconfigure' | 'restore' | 'removeDataDir' | 'wipe', node: string, detail?: string): string[];
}
