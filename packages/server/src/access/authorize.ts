import { DETAILED_PERMISSIONS, type Permission, ROLE_PERMISSIONS, type Role } from './roles.js';

/** A grant as the authoriser sees it: a role held on a node (by its materialised path). */
export interface Grant {
  role: Role;
  organisationId: number;
  organisationPath: string;
  organisationKind: string;
  detailedFindings: boolean;
}

export interface Principal {
  userId: number;
  label: string;
  via: 'session' | 'token';
  grants: Grant[];
}

export interface TargetNode {
  id: number;
  path: string;
}

const UPPER_KINDS = new Set(['nation', 'region']);

/**
 * The one authorisation decision: may `principal` perform `permission` on `target` (a node of the tree)?
 * A role holds on its node's subtree. Detailed technical data of establishments is visible from a national
 * or regional grant only when that grant carries the explicit `detailedFindings` flag.
 */
export function authorize(principal: Principal, permission: Permission, target: TargetNode): boolean {
  return principal.grants.some((grant) => {
    if (!target.path.startsWith(grant.organisationPath)) return false;
    if (!ROLE_PERMISSIONS[grant.role].includes(permission)) {
      return (
        DETAILED_PERMISSIONS.includes(permission) && grant.detailedFindings && UPPER_KINDS.has(grant.organisationKind)
      );
    }
    return true;
  });
}

/** The nodes whose subtrees the principal may act on with `permission` (for listings and filters). */
export function scopesFor(principal: Principal, permission: Permission): Grant[] {
  return principal.grants.filter(
    (g) =>
      ROLE_PERMISSIONS[g.role].includes(permission) ||
      (DETAILED_PERMISSIONS.includes(permission) && g.detailedFindings && UPPER_KINDS.has(g.organisationKind)),
  );
}
