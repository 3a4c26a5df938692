import type { Account, DirectorySnapshot, Group } from './model.js';

/** Index of the snapshot by DN and SID, with recursive group expansion (cycle-safe). */
export class DirectoryIndex {
  readonly byDn = new Map<string, Account | Group>();
  readonly groupsBySid = new Map<string, Group>();
  readonly accountsBySid = new Map<string, Account>();
  /** Accounts whose primaryGroupID makes them implicit members of a group, keyed by group RID. */
  private readonly primaryMembers = new Map<number, Account[]>();
  private readonly cache = new Map<string, Account[]>();

  constructor(readonly snapshot: DirectorySnapshot) {
    for (const a of [...snapshot.users, ...snapshot.computers]) {
      this.byDn.set(a.dn.toLowerCase(), a);
      this.accountsBySid.set(a.sid, a);
      if (a.primaryGroupId !== null) {
        const list = this.primaryMembers.get(a.primaryGroupId) ?? [];
        list.push(a);
        this.primaryMembers.set(a.primaryGroupId, list);
      }
    }
    for (const g of snapshot.groups) {
      this.byDn.set(g.dn.toLowerCase(), g);
      this.groupsBySid.set(g.sid, g);
    }
  }

  isGroup(o: Account | Group | undefined): o is Group {
    return o !== undefined && 'members' in o;
  }

  /** Every account reachable from the group through nested membership and primaryGroupID. */
  effectiveMembers(group: Group): Account[] {
    const cached = this.cache.get(group.sid);
    if (cached) return cached;
    const seen = new Set<string>();
    const out = new Map<string, Account>();
    const stack: Group[] = [group];
    while (stack.length > 0) {
      const g = stack.pop() as Group;
      if (seen.has(g.sid)) continue;
      seen.add(g.sid);
      const groupRid = Number(g.sid.slice(g.sid.lastIndexOf('-') + 1));
      if (g.sid.startsWith(this.snapshot.domain.sid))
        for (const a of this.primaryMembers.get(groupRid) ?? []) out.set(a.sid, a);
      for (const m of g.members) {
        const o = this.byDn.get(m.toLowerCase());
        if (this.isGroup(o)) stack.push(o);
        else if (o) out.set(o.sid, o);
      }
    }
    const result = [...out.values()];
    this.cache.set(group.sid, result);
    return result;
  }

  /** Groups that are members of themselves through nesting (ANSSI group_loop). */
  groupLoops(): Group[] {
    const looping: Group[] = [];
    for (const g of this.snapshot.groups) {
      const seen = new Set<string>();
      const stack = g.members.map((m) => this.byDn.get(m.toLowerCase())).filter((o): o is Group => this.isGroup(o));
      let loops = false;
      while (stack.length > 0 && !loops) {
        const x = stack.pop() as Group;
        if (x.sid === g.sid) loops = true;
        else if (!seen.has(x.sid)) {
          seen.add(x.sid);
          for (const m of x.members) {
            const o = this.byDn.get(m.toLowerCase());
            if (this.isGroup(o)) stack.push(o);
          }
        }
      }
      if (loops) looping.push(g);
    }
    return looping;
  }

  groupByRid(r: number): Group | undefined {
    return this.groupsBySid.get(`${this.snapshot.domain.sid}-${r}`);
  }
}

/** Well-known privileged groups (PingCastle's list of admin groups). Builtin SIDs or domain RIDs. */
export const PRIVILEGED_DOMAIN_RIDS = [512, 516, 518, 519, 498, 520, 526, 527];
export const PRIVILEGED_BUILTIN_SIDS = [
  'S-1-5-32-544',
  'S-1-5-32-548',
  'S-1-5-32-549',
  'S-1-5-32-550',
  'S-1-5-32-551',
  'S-1-5-32-552',
];

/** Privileged groups present in the snapshot. */
export function privilegedGroups(idx: DirectoryIndex): Group[] {
  const out: Group[] = [];
  for (const r of PRIVILEGED_DOMAIN_RIDS) {
    const g = idx.groupByRid(r);
    if (g) out.push(g);
  }
  for (const s of PRIVILEGED_BUILTIN_SIDS) {
    const g = idx.groupsBySid.get(s);
    if (g) out.push(g);
  }
  return out;
}
