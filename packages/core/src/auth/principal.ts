import { ANY_DEPARTMENT, type Scope } from "@payreq/contracts";

export type Grant = { scope: string; departmentUuid: string };

/** An authenticated API user. */
export type Principal = { userId: number; username: string; grants: readonly Grant[]; authVersion: number };

export const holdsScope = (principal: Principal, scope: Scope, departmentUuid: string): boolean =>
  principal.grants.some(
    (grant) =>
      grant.scope === scope &&
      (grant.departmentUuid === ANY_DEPARTMENT || grant.departmentUuid === departmentUuid),
  );

/** Departments the principal may act on with `scope`; "*" means every one. */
export const departmentsWithScope = (principal: Principal, scope: Scope): readonly string[] | "*" => {
  const departments = principal.grants.filter((g) => g.scope === scope).map((g) => g.departmentUuid);
  return departments.includes(ANY_DEPARTMENT) ? ANY_DEPARTMENT : departments;
};
