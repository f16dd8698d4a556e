import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import nodePath from 'node:path';
import type { z } from 'zod';
import type { Problem } from '../../engine/errors.js';
import { named, Positions, type Path } from '../../drill/positions.js';
import { readSmallText, UnreadableFile } from '../../drill/read.js';
import { unknownName } from '../../drill/suggest.js';
import { knownKeys, PARSE, plainIssues, show } from '../../drill/words.js';
import { parseOne, YamlError } from '../../drill/yaml.js';
import { NODE_SELECTORS } from '../../engine/types.js';
import { DERIVED_GROUPS, GROUPS, inventorySchema, KUBESPRAY_NAMES, type Power, type RawInventory } from './inventory-schema.js';

export type HostRole = 'control-plane' | 'etcd' | 'worker' | 'load-balancer' | 'bastion';

/** One host, its fields resolved: defaults applied, the key an absolute path. */
export interface InventoryHost {
  name: string;
  /** Every role its groups give, the main one first (control-plane, etcd, worker, load-balancer). */
  roles: HostRole[];
  address?: string;
  port?: number;
  user?: string;
  key?: string;
  /** The lab's own known_hosts file (ssh's UserKnownHostsFile), an absolute path. */
  knownHosts?: string;
  sshAlias?: string;
  container?: string;
  power?: Power;
  /** PostgreSQL on this host: the lab's `sql`. */
  postgres?: { database: string; user: string };
}

export interface Inventory {
  file: string;
  /** Where relative paths (keys, a Vagrantfile's folder) are taken from. */
  dir: string;
  topology: 'stacked' | 'external';
  /** The drill's nodes, in the file's order; the bastion is not one. */
  hosts: InventoryHost[];
  bastion?: InventoryHost;
  /** A kubeconfig for the cluster's API (absolute), when the inventory names one. */
  kubeconfig?: string;
}

export interface ParseOptions {
  /** Also check that key files exist (validate does; a test of the format alone does not). */
  checkFiles?: boolean;
  /** How the lab reaches its hosts: ssh needs an address or an ssh alias, docker a container. Unknown: any of them. */
  transport?: 'ssh' | 'docker';
}

export const INVENTORY = { noun: 'kdrill inventory', starts: 'apiVersion: kdrill/v1 and kind: Inventory' };

/** Reads and checks an inventory file: the inventory, or every problem at its file:line:col. */
export function readInventory(file: string, opts: ParseOptions = {}): { inventory?: Inventory; problems: Problem[] } {
  let text: string;
  try {
    text = readSmallText(file);
  } catch (err) {
    if (!(err instanceof UnreadableFile)) throw err;
    return { problems: [err.at(file)] };
  }
  return parseInventory(text, file, opts);
}

/**
 * The inventory and its problems. A well-formed inventory whose key files are missing is still
 * returned (its hosts name the drill's nodes), with those problems beside it.
 */
export function parseInventory(text: string, file: string, opts: ParseOptions = {}): { inventory?: Inventory; problems: Problem[] } {
  let parsed: ReturnType<typeof parseOne>;
  try {
    parsed = parseOne(text, INVENTORY);
  } catch (err) {
    if (!(err instanceof YamlError)) throw err;
    return { problems: err.problems.map((p) => ({ file, ...p })) };
  }
  const check = new Checks(file, new Positions(parsed.doc, parsed.lineCounter));
  const result = inventorySchema.safeParse(parsed.value, PARSE);
  if (!result.success) {
    check.zod(result.error);
    return { problems: check.sorted() };
  }
  const inventory = check.semantics(result.data, opts);
  return check.problems.length > 0 ? { problems: check.sorted() } : { inventory, problems: check.sorted() };
}

class Checks {
  readonly problems: Problem[] = [];
  /** Files the inventory names that are not there: the inventory is still whole, the lab cannot use it yet. */
  readonly missing: Problem[] = [];
  constructor(private readonly file: string, private readonly positions: Positions) {}

  add(p: Path, message: string, key = false): void {
    const { line, col } = this.positions.at(p, key);
    this.problems.push({ file: this.file, line, col, message: named(p, message) });
  }

  sorted(): Problem[] {
    return [...this.problems, ...this.missing].sort((a, b) => a.line - b.line || a.col - b.col);
  }

  zod(error: z.ZodError): void {
    for (const issue of plainIssues(error.issues)) {
      const at = issue.path as Array<string | number>;
      if (!issue.keys) {
        this.add(at, issue.message, issue.atKey);
        continue;
      }
      const known = knownKeys(inventorySchema, at);
      for (const k of issue.keys) {
        const ours = KUBESPRAY_NAMES[k];
        const derived = at.join('.') === 'groups' ? DERIVED_GROUPS[k] : undefined;
        const message = ours && known.includes(ours) ? `${show(k)} is kubespray's name: kdrill calls it ${ours}`
          : derived ? `kubespray's group ${show(k)}: ${derived}`
            : unknownName(at.join('.') === 'groups' ? 'group' : 'key', k, known);
        const { line, col } = this.positions.at([...at, k], true);
        this.problems.push({ file: this.file, line, col, message: named(at, message) });
      }
    }
  }

  semantics(raw: RawInventory, opts: ParseOptions): Inventory {
    const dir = nodePath.dirname(nodePath.resolve(this.file));
    const names = Object.keys(raw.hosts);
    const groups = raw.groups;
    const roles = new Map<string, HostRole[]>(names.map((n) => [n, []]));
    const ROLE: Record<(typeof GROUPS)[number], HostRole> = {
      kube_control_plane: 'control-plane', etcd: 'etcd', kube_node: 'worker', load_balancer: 'load-balancer', bastion: 'bastion',
    };
    for (const g of GROUPS) {
      const seen = new Set<string>();
      (groups[g] ?? []).forEach((h, i) => {
        if (seen.has(h)) this.add(['groups', g, i], `host "${h}" is listed twice in ${g}`);
        seen.add(h);
        const hostRoles = roles.get(h);
        if (!hostRoles) this.add(['groups', g, i], unknownName('host', h, names));
        else if (!hostRoles.includes(ROLE[g])) hostRoles.push(ROLE[g]);
      });
    }
    const topology = this.topology(raw);
    // Stacked etcd runs on every control plane, whether or not the file lists the etcd group.
    if (topology === 'stacked') for (const h of groups.kube_control_plane) if (roles.get(h) && !roles.get(h)!.includes('etcd')) roles.get(h)!.push('etcd');
    const hosts: InventoryHost[] = [];
    let bastion: InventoryHost | undefined;
    for (const name of names) {
      const host = this.host(raw, name, roles.get(name)!, dir, opts);
      if (host.roles.includes('bastion')) bastion = host;
      else hosts.push(host);
    }
    const kubeconfig = raw.kubeconfig === undefined ? undefined : resolvePath(raw.kubeconfig, dir);
    if (kubeconfig !== undefined && opts.checkFiles && !existsSync(kubeconfig)) {
      const { line, col } = this.positions.at(['kubeconfig']);
      this.missing.push({ file: this.file, line, col, message: named(['kubeconfig'], `kubeconfig not found: ${kubeconfig} (a relative path is taken from the inventory's folder)`) });
    }
    return { file: this.file, dir, topology, hosts, ...(bastion ? { bastion } : {}), ...(kubeconfig ? { kubeconfig } : {}) };
  }

  /** stacked: etcd is the control planes (or left out); external: etcd on hosts of its own. */
  private topology(raw: RawInventory): 'stacked' | 'external' {
    const cps = raw.groups.kube_control_plane;
    const etcd = raw.groups.etcd;
    const same = etcd === undefined || (etcd.length === cps.length && etcd.every((h) => cps.includes(h)));
    const apart = etcd !== undefined && etcd.length > 0 && etcd.every((h) => !cps.includes(h));
    const topology = raw.topology ?? (same ? 'stacked' : apart ? 'external' : undefined);
    if (topology === 'stacked' && !same) {
      this.add(['groups', 'etcd'], `differs from kube_control_plane (${cps.join(', ')}): with stacked etcd (kubeadm's default) each control plane runs one member; list the same hosts, leave etcd out, or set topology: external with etcd on hosts of their own`);
    } else if (topology === 'external' && !apart) {
      this.add(etcd ? ['groups', 'etcd'] : ['topology'], etcd?.length ? 'must name hosts that are not control planes when topology is external (external etcd runs on hosts of its own)' : 'external etcd needs an etcd group: the hosts that run the members');
    } else if (topology === undefined) {
      this.add(['groups', 'etcd'], `shares some hosts with kube_control_plane but not all: stacked etcd lists the same hosts as kube_control_plane, external etcd none of them`);
    }
    return topology ?? 'stacked';
  }

  private host(raw: RawInventory, name: string, roles: HostRole[], dir: string, opts: ParseOptions): InventoryHost {
    const own = raw.hosts[name] ?? {};
    const at: Path = ['hosts', name];
    const d = raw.defaults ?? {};
    if (roles.length === 0) this.add(at, `host "${name}" is in no group: list it under one of ${GROUPS.join(', ')}`, true);
    if (roles.includes('bastion') && roles.length > 1) this.add(at, `host "${name}" is the bastion: it cannot also be in ${roles.filter((r) => r !== 'bastion').join(', ')}`, true);
    if ((NODE_SELECTORS as readonly string[]).includes(name)) this.add(at, `"${name}" cannot be a host name: drills use it to pick a node by its etcd role`, true);
    const who = roles.includes('bastion') ? `the bastion "${name}"` : `host "${name}"`;
    const bySsh = own.address !== undefined || own.sshAlias !== undefined;
    if (opts.transport === 'docker' && roles.includes('bastion')) {
      this.add(at, `${who} is not used with transport: docker (docker exec needs no jump host): leave the bastion group out`, true);
    } else if (opts.transport === 'docker' && own.container === undefined) {
      this.add(at, `${who} has no container: transport: docker runs commands with docker exec in the container named by container (a kind node: <cluster>-control-plane2)`, true);
    } else if (opts.transport === 'ssh' && !bySsh) {
      this.add(at, `${who} has no address: give address (kubespray's ansible_host) or sshAlias (a Host in your ~/.ssh/config)${own.container ? '; container is for transport: docker' : ''}`, true);
    } else if (!bySsh && own.container === undefined) {
      this.add(at, `${who} has no address: give address (kubespray's ansible_host), sshAlias (a Host in your ~/.ssh/config) or, for transport: docker, container`, true);
    }
    if (own.address !== undefined && own.sshAlias !== undefined) this.add([...at, 'sshAlias'], 'give address or sshAlias, not both: with sshAlias, ssh takes the address from your ~/.ssh/config');
    const keyAt: Path = own.key !== undefined ? [...at, 'key'] : ['defaults', 'key'];
    const key = own.key ?? (own.sshAlias === undefined ? d.key : undefined);
    const keyFile = key === undefined ? undefined : resolvePath(key, dir);
    if (keyFile !== undefined && opts.checkFiles && !existsSync(keyFile)) {
      const { line, col } = this.positions.at(keyAt);
      this.missing.push({ file: this.file, line, col, message: named(keyAt, `key file not found: ${keyFile} (a relative path is taken from the inventory's folder${/\.vagrant\//.test(key!) ? '; vagrant up creates it' : ''})`) });
    }
    const pick = <K extends 'port' | 'user' | 'knownHosts'>(k: K) => own[k] ?? (own.sshAlias === undefined ? d[k] : undefined);
    // Resolved like the key; not checked for existence: ssh reports a missing known_hosts as an unknown host key.
    const knownHosts = pick('knownHosts');
    const host: InventoryHost = { name, roles: ordered(roles) };
    const fields = {
      address: own.address, port: pick('port'), user: pick('user'), key: keyFile, knownHosts: knownHosts === undefined ? undefined : resolvePath(knownHosts, dir),
      sshAlias: own.sshAlias, container: own.container, power: own.power, postgres: own.postgres,
    };
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) (host as unknown as Record<string, unknown>)[k] = v;
    return host;
  }
}

const ORDER: HostRole[] = ['control-plane', 'etcd', 'worker', 'load-balancer', 'bastion'];
const ordered = (roles: HostRole[]): HostRole[] => [...roles].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));

/** `~/x` from the home folder, a relative path from the inventory's folder. */
export function resolvePath(p: string, dir: string): string {
  if (p === '~' || p.startsWith('~/')) return nodePath.join(homedir(), p.slice(1));
  return nodePath.resolve(dir, p);
}

/** The drill's node names: the inventory's host names, the bastion left out. */
export const hostNames = (inv: Inventory): string[] => inv.hosts.map((h) => h.name);

/** One line for `kdrill validate`: `5 hosts (3 control-plane, 1 worker, 1 load-balancer), stacked etcd`. */
export function inventorySummary(inv: Inventory): string {
  const counts = new Map<HostRole, number>();
  for (const h of inv.hosts) counts.set(h.roles[0] ?? 'worker', (counts.get(h.roles[0] ?? 'worker') ?? 0) + 1);
  const roles = [...counts].map(([r, n]) => `${n} ${r}`).join(', ');
  const power = inv.hosts.filter((h) => h.power).length;
  return `inventory: ${inv.hosts.length} host${inv.hosts.length === 1 ? '' : 's'} (${roles}), ${inv.topology} etcd${inv.bastion ? `, bastion ${inv.bastion.name}` : ''}, power driver on ${power} of ${inv.hosts.length}`;
}
