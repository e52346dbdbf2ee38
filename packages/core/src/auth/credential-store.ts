import { ALL_SCOPES, ANY_DEPARTMENT, IDENTIFIER_PATTERN } from "@payreq/contracts";
import { and, eq } from "drizzle-orm";
import type { PayreqDatabase } from "../db/open-database.ts";
import { apiGrants, apiUsers } from "../db/schema.ts";
import type { Clock } from "../ids.ts";
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from "./password-hash.ts";
import type { Grant, Principal } from "./principal.ts";

export type CredentialSummary = { username: string; disabled: boolean; grants: Grant[]; createdAt: number };

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export class CredentialError extends Error {}

export type CredentialStore = ReturnType<typeof createCredentialStore>;

/** API users with salted scrypt hashes and (scope, department) grants. */
export const createCredentialStore = (
  database: PayreqDatabase,
  clock: Clock,
  options: { scrypt?: ScryptParams } = {},
) => {
  const { db } = database;
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  // Unknown users are checked against this hash, so they cost the same work as a wrong password.
  const dummyHash = hashPassword("payreq-dummy-password", params);

  const findUser = (username: string) =>
    db.select().from(apiUsers).where(eq(apiUsers.username, username)).get();

  const requireUser = (username: string) => {
    const user = findUser(username);
    if (!user) throw new CredentialError(`no credential named ${username}`);
    return user;
  };

  const grantsOf = (userId: number): Grant[] =>
    db
      .select({ scope: apiGrants.scope, departmentUuid: apiGrants.departmentUuid })
      .from(apiGrants)
      .where(eq(apiGrants.userId, userId))
      .all();

  return {
    async add(username: string, password: string): Promise<void> {
      if (!USERNAME_PATTERN.test(username)) {
        throw new CredentialError("username must be 1-64 characters of A-Z a-z 0-9 . _ @ -");
      }
      if (password.length < 12) throw new CredentialError("password must be at least 12 characters");
      if (findUser(username)) throw new CredentialError(`a credential named ${username} already exists`);
      const passwordHash = await hashPassword(password, params);
      const now = clock.now();
      await database.writes.run(() =>
        db.insert(apiUsers).values({ username, passwordHash, createdAt: now, updatedAt: now }).run(),
      );
    },

    async setPassword(username: string, password: string): Promise<void> {
      if (password.length < 12) throw new CredentialError("password must be at least 12 characters");
      const user = requireUser(username);
      const passwordHash = await hashPassword(password, params);
      await database.writes.run(() =>
        db
          .update(apiUsers)
          .set({ passwordHash, updatedAt: clock.now() })
          .where(eq(apiUsers.id, user.id))
          .run(),
      );
    },

    async grant(username: string, scope: string, departmentUuid: string): Promise<void> {
      if (!(ALL_SCOPES as readonly string[]).includes(scope)) {
        throw new CredentialError(`unknown scope ${scope}; known scopes: ${ALL_SCOPES.join(", ")}`);
      }
      if (departmentUuid !== ANY_DEPARTMENT && !IDENTIFIER_PATTERN.test(departmentUuid)) {
        throw new CredentialError("department must be a department uuid or *");
      }
      const user = requireUser(username);
      await database.writes.run(() =>
        db.insert(apiGrants).values({ userId: user.id, scope, departmentUuid }).onConflictDoNothing().run(),
      );
    },

    async revoke(username: string, scope: string, departmentUuid: string): Promise<boolean> {
      const user = requireUser(username);
      const result = await database.writes.run(() =>
        db
          .delete(apiGrants)
          .where(
            and(
              eq(apiGrants.userId, user.id),
              eq(apiGrants.scope, scope),
              eq(apiGrants.departmentUuid, departmentUuid),
            ),
          )
          .run(),
      );
      return result.changes > 0;
    },

    async disable(username: string): Promise<void> {
      const user = requireUser(username);
      await database.writes.run(() =>
        db
          .update(apiUsers)
          .set({ disabled: true, updatedAt: clock.now() })
          .where(eq(apiUsers.id, user.id))
          .run(),
      );
    },

    list(): CredentialSummary[] {
      return db
        .select()
        .from(apiUsers)
        .orderBy(apiUsers.username)
        .all()
        .map((user) => ({
          username: user.username,
          disabled: user.disabled,
          grants: grantsOf(user.id),
          createdAt: user.createdAt,
        }));
    },

    /** The principal for a username and password, or null. Unknown, disabled and wrong cost the same hash. */
    async verify(username: string, password: string): Promise<Principal | null> {
      const user = findUser(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash));
      if (!user || !ok || user.disabled) return null;
      return {
        userId: user.id,
        username: user.username,
        grants: grantsOf(user.id),
        authVersion: user.authVersion,
      };
    },
  };
};
