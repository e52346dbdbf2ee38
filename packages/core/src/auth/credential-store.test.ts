import * as crypto from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { openTestStore, TEST_STORES, type TestStoreKind } from "../../test/test-stores.ts";
import { systemClock } from "../ports/clock.ts";
import { TEST_SCRYPT } from "../testing.ts";
import { CredentialError, createCredentialStore } from "./credential-store.ts";
import { holdsScope } from "./principal.ts";

vi.mock("node:crypto", async (importOriginal) => {
  const original = await importOriginal<typeof import("node:crypto")>();
  return { ...original, scrypt: vi.fn(original.scrypt) };
});

const setupOn = async (kind: TestStoreKind) => {
  const database = await openTestStore(kind);
  const store = createCredentialStore(database, systemClock, { scrypt: TEST_SCRYPT });
  await store.add("dms-sync", "correct horse battery");
  await store.grant("dms-sync", "payment.send.payment.request", "dept-1");
  const version = async () =>
    (
      await database.sql.get<{ v: number }>(
        "select auth_version as v from api_users where username = 'dms-sync'",
      )
    )?.v;
  return { database, store, version };
};

describe.each(TEST_STORES)("credential store on %s", (kind) => {
  const setup = () => setupOn(kind);

  it("stores a salted scrypt hash, never the password", async () => {
    const { database, store } = await setup();
    await store.add("other", "correct horse battery");
    const rows = await database.sql.all<{ password_hash: string }>("select password_hash from api_users");
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$\d+\$8\$\d+\$/);
      expect(row.password_hash).not.toContain("correct horse");
    }
    expect(rows[0]?.password_hash).not.toBe(rows[1]?.password_hash);
  });

  it("verifies the right password and returns the grants", async () => {
    const { store } = await setup();
    const principal = await store.verify("dms-sync", "correct horse battery");
    expect(principal?.username).toBe("dms-sync");
    expect(holdsScope(principal!, "payment.send.payment.request", "dept-1")).toBe(true);
    expect(holdsScope(principal!, "payment.send.payment.request", "dept-2")).toBe(false);
    expect(holdsScope(principal!, "payment.audit.read", "dept-1")).toBe(false);
  });

  it("refuses a wrong password, an unknown user and a disabled user, each after one hash", async () => {
    const { store } = await setup();
    const scrypt = vi.mocked(crypto.scrypt);
    for (const [username, password] of [
      ["dms-sync", "wrong password!"],
      ["nobody-at-all", "correct horse battery"],
    ] as const) {
      scrypt.mockClear();
      expect(await store.verify(username, password)).toBeNull();
      expect(scrypt).toHaveBeenCalledTimes(1);
    }
    await store.disable("dms-sync");
    scrypt.mockClear();
    expect(await store.verify("dms-sync", "correct horse battery")).toBeNull();
    expect(scrypt).toHaveBeenCalledTimes(1);
  });

  it("grants '*' for every department, and revokes", async () => {
    const { store } = await setup();
    await store.grant("dms-sync", "payment.audit.read", "*");
    const principal = await store.verify("dms-sync", "correct horse battery");
    expect(holdsScope(principal!, "payment.audit.read", "any-department")).toBe(true);
    expect(await store.revoke("dms-sync", "payment.audit.read", "*")).toBe(true);
    expect(await store.revoke("dms-sync", "payment.audit.read", "*")).toBe(false);
    const after = await store.verify("dms-sync", "correct horse battery");
    expect(holdsScope(after!, "payment.audit.read", "any-department")).toBe(false);
  });

  it("changes a password", async () => {
    const { store } = await setup();
    await store.setPassword("dms-sync", "a brand new password");
    expect(await store.verify("dms-sync", "correct horse battery")).toBeNull();
    expect(await store.verify("dms-sync", "a brand new password")).not.toBeNull();
  });

  it("raises auth_version on every change that could withdraw access, and on nothing else", async () => {
    const { store, version } = await setup();
    const steps: [string, () => Promise<unknown>][] = [
      ["grant", () => store.grant("dms-sync", "payment.audit.read", "*")],
      ["revoke", () => store.revoke("dms-sync", "payment.audit.read", "*")],
      ["password", () => store.setPassword("dms-sync", "a brand new password")],
      ["disable", () => store.disable("dms-sync")],
    ];
    for (const [name, step] of steps) {
      const before = (await version()) ?? 0;
      await step();
      expect(await version(), name).toBe(before + 1);
    }
    const before = await version();
    await store.verify("dms-sync", "a brand new password");
    await store.add("someone-else", "another long password");
    expect(await version()).toBe(before);
  });

  it.each([
    ["a bad username", () => ["bad name", "long enough password"], "username"],
    ["a short password", () => ["fine-name", "short"], "at least 12"],
  ])("refuses %s", async (_name, args, message) => {
    const { store } = await setup();
    const [username, password] = args();
    await expect(store.add(username!, password!)).rejects.toThrow(CredentialError);
    await expect(store.add(username!, password!)).rejects.toThrow(message);
  });

  it("refuses unknown scopes, bad departments and duplicate users", async () => {
    const { store } = await setup();
    await expect(store.grant("dms-sync", "payment.everything", "*")).rejects.toThrow("unknown scope");
    await expect(store.grant("dms-sync", "payment.audit.read", "dept/1")).rejects.toThrow("department");
    await expect(store.grant("nobody", "payment.audit.read", "*")).rejects.toThrow("no credential");
    await expect(store.add("dms-sync", "correct horse battery")).rejects.toThrow("already exists");
  });
});
