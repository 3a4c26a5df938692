import type { Kysely } from 'kysely';
import type { Role } from '../../src/access/roles.js';
import type { Database } from '../../src/db/schema.js';
import type { Tree } from '../fixtures.js';

export interface CaseContext {
  db: Kysely<Database>;
  tree: Tree;
  /** The organisation the request must act on (inside or outside the caller's subtree). */
  orgId: number;
  role: Role;
  /** A fresh suffix for unique values (emails, names). */
  unique: string;
}

export interface RouteCase {
  method: string;
  /** The route's pattern exactly as registered, e.g. `/api/organisations/:id`. */
  url: string;
  /** The request to send for `ctx.orgId`. */
  request(
    ctx: CaseContext,
  ):
    | Promise<{ url: string; body?: unknown; contentType?: string }>
    | { url: string; body?: unknown; contentType?: string };
  /** The node the route always acts on, whatever `orgId` (e.g. the nation for the chain check). */
  fixedTarget?: 'nation';
  /** The route ends the caller's session: the matrix signs in again after it. */
  signsOut?: true;
}
