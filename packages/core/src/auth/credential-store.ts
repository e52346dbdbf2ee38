import { ALL_SCOPES, ANY_DEPARTMENT, IDENTIFIER_PATTERN } from "@payreq/contracts";
import type { Clock } from "../ports/clock.ts";
import type { Sql, Store } from "../ports/store.ts";
import { DEFAULT_SCRYPT, hashPassword, type ScryptParams, verifyPassword } from "./password-hash.ts";
import type { Grant, Principal } from "./principal.ts";

export type CredentialSummary = { username: string; disabled: boolean; grants: Grant[]; createdAt: number };

export const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;

export class CredentialError extends Error {}

export type CredentialStore = ReturnType<typeof createCredentialStore>;

/** What a login is checked against: the user's row, hash included. */
export type LoginUser = {
  id: number;
  username: string;
  passwordHash: string;
  disabled: number;
  authVersion: number;
  createdAt: number;
};

const USER_COLUMNS = `id, username, password_hash as "passwordHash", disabled, auth_version as "authVersion",
  created_at as "createdAt"`;

/** API users with salted scrypt hashes and (scope, department) grants. */
export const createCredentialStore = (
  store: Store,
  clock: Clock,
  options: { scrypt?: ScryptParams } = {},
) => {
  const params = options.scrypt ?? DEFAULT_SCRYPT;
  // Unknown users are checked against this hash, so they cost the same work as a wrong password; how long making it
  // took is the authenticator's first estimate of a hash's cost.
  const dummy = (async () => {
    const started = performance.now();
    const hash = await hashPassword("payreq-dummy-password", params);
    return { hash, ms: performance.now() - started };
  })();

  const findUser = (sql: Sql, username: string) =>
    sql.get<LoginUser>(`select ${USER_COLUMNS} from api_users where username = ?`, [username]);

  const requireUser = async (sql: Sql, username: string) => {
    const user = await findUser(sql, username);
    if (!user) throw new CredentialError(`no credential named ${username}`);
    return user;
  };

  const grantsOf = (sql: Sql, userId: number): Promise<Grant[]> =>
    sql.all<Grant>(
      `select scope, department_uuid as "departmentUuid" from api_grants where user_id = ?
       order by scope, department_uuid`,
      [userId],
    );

  /** The principal when the password matches and the user is enabled, else null; disabled costs the same hash. */
  const checkPassword = async (user: LoginUser, password: string): Promise<Principal | null> => {
    const ok = await verifyPassword(password, user.passwordHash);
    if (!ok || user.disabled === 1) return null;
    return {
      userId: user.id,
      username: user.username,
      grants: await grantsOf(store.sql, user.id),
      authVersion: user.authVersion,
    };
  };

  return {
    async add(username: string, password: string): Promise<void> {
      if (!USERNAME_PATTERN.test(username)) {
        throw new CredentialError("username must be 1-64 characters of A-Z a-z 0-9 . _ @ -");
      }
      if (password.length < 12) throw new CredentialError("password must be at least 12 characters");
      const passwordHash = await hashPassword(password, params);
      const now = clock.now();
      const added = await store.transaction(
        async (tx) =>
          (
            await tx.run(
              `insert into api_users (username, password_hash, created_at, updated_at) values (?, ?, ?, ?)
               on conflict (username) do nothing`,
              [username, passwordHash, now, now],
            )
          ).changes,
      );
      if (added === 0) throw new CredentialError(`a credential named ${username} already exists`);
    },

    async setPassword(username: string, password: string): Promise<void> {
      if (password.length < 12) throw new CredentialError("password must be at least 12 characters");
      await requireUser(store.sql, username);
      const passwordHash = await hashPassword(password, params);
      await store.transaction(async (tx) => {
        const user = await requireUser(tx, username);
        await tx.run("update api_users set password_hash = ?, updated_at = ? where id = ?", [
          passwordHash,
          clock.now(),
          user.id,
        ]);
      });
    },

    async grant(username: string, scope: string, departmentUuid: string): Promise<void> {
      if (!(ALL_SCOPES as readonly string[]).includes(scope)) {
        throw new CredentialError(`unknown scope ${scope}; known scopes: ${ALL_SCOPES.join(", ")}`);
      }
      if (departmentUuid !== ANY_DEPARTMENT && !IDENTIFIER_PATTERN.test(departmentUuid)) {
        throw new CredentialError("department must be a department uuid or *");
      }
      await store.transaction(async (tx) => {
        const user = await requireUser(tx, username);
        await tx.run(
          `insert into api_grants (user_id, scope, department_uuid) values (?, ?, ?)
           on conflict (user_id, scope, department_uuid) do nothing`,
          [user.id, scope, departmentUuid],
        );
      });
    },

    revoke: (username: string, scope: string, departmentUuid: string): Promise<boolean> =>
      store.transaction(async (tx) => {
        const user = await requireUser(tx, username);
        const { changes } = await tx.run(
          "delete from api_grants where user_id = ? and scope = ? and department_uuid = ?",
          [user.id, scope, departmentUuid],
        );
        return changes > 0;
      }),

    disable: (username: string): Promise<void> =>
      store.transaction(async (tx) => {
        const user = await requireUser(tx, username);
        await tx.run("update api_users set disabled = 1, updated_at = ? where id = ?", [
          clock.now(),
          user.id,
        ]);
      }),

    async list(): Promise<CredentialSummary[]> {
      const users = await store.sql.all<LoginUser>(`select ${USER_COLUMNS} from api_users order by username`);
      return Promise.all(
        users.map(async (user) => ({
          username: user.username,
          disabled: user.disabled === 1,
          grants: await grantsOf(store.sql, user.id),
          createdAt: user.createdAt,
        })),
      );
    },

    /** The principal for a username and password, or null. Unknown, disabled and wrong cost the same hash. */
    async verify(username: string, password: string): Promise<Principal | null> {
      const user = await findUser(store.sql, username);
      if (user) return checkPassword(user, password);
      await verifyPassword(password, (await dummy).hash);
      return null;
    },

    /** The user a login names, or undefined: the authenticator schedules the hash itself. */
    findForLogin: (username: string): Promise<LoginUser | undefined> => findUser(store.sql, username),

    checkPassword,

    /** How long one hash with this store's parameters took when the store was opened. */
    hashCostMs: async (): Promise<number> => (await dummy).ms,
  };
};
