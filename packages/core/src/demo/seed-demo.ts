import { randomBytes } from "node:crypto";
import { Scopes } from "@payreq/contracts";
import type { CredentialStore } from "../auth/credential-store.ts";
import type { Clock } from "../ports/clock.ts";
import type { Sql, SqlParam, Store } from "../ports/store.ts";

/** Fixed identifiers so the README's examples work on every fresh demo database. */
export const DEMO_IDS = {
  dealers: {
    sunrise: "d1a1e000-0000-4000-8000-000000000001",
    harbor: "d1a1e000-0000-4000-8000-000000000002",
  },
  departments: {
    sunrise: "de9a0000-0000-4000-8000-000000000001",
    harbor: "de9a0000-0000-4000-8000-000000000002",
  },
  customers: {
    sunriseFull: "c0570000-0000-4000-8000-000000000001",
    sunriseEmailOnly: "c0570000-0000-4000-8000-000000000002",
    sunrisePhoneOnly: "c0570000-0000-4000-8000-000000000003",
    sunriseNoOptIn: "c0570000-0000-4000-8000-000000000004",
    harborFull: "c0570000-0000-4000-8000-000000000011",
    harborEmailOnly: "c0570000-0000-4000-8000-000000000012",
    harborPhoneOnly: "c0570000-0000-4000-8000-000000000013",
    harborNoOptIn: "c0570000-0000-4000-8000-000000000014",
  },
  associates: {
    sunrise: {
      uuid: "a5500000-0000-4000-8000-000000000001",
      userUuid: "a55e0000-0000-4000-8000-000000000001",
    },
    harbor: {
      uuid: "a5500000-0000-4000-8000-000000000002",
      userUuid: "a55e0000-0000-4000-8000-000000000002",
    },
  },
} as const;

export type DemoCredential = { username: string; password: string; scope: string; departmentUuid: string };

export type DemoData = {
  ids: typeof DEMO_IDS;
  credentials: {
    sunriseSender: DemoCredential;
    harborSender: DemoCredential;
    ops: DemoCredential;
    /** For an aggregator in upstream mode calling this service's v4 endpoints. */
    aggregator: DemoCredential;
    /** The Sunrise department's integrator: registers its webhook endpoints. */
    sunriseIntegrator: DemoCredential;
  };
};

export const isEmptyStore = async (sql: Sql): Promise<boolean> =>
  (await sql.get("select uuid from dealers limit 1")) === undefined;

const newPassword = () => randomBytes(12).toString("base64url");

const insertAll = async (tx: Sql, table: string, columns: string[], rows: SqlParam[][]) => {
  for (const row of rows) {
    await tx.run(
      `insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`,
      row,
    );
  }
};

/**
 * Two dealers with one department each; customers covering every delivery case (phone+email+opt-in, email only,
 * phone only, phone without opt-in); an associate per department; a sending credential per department and an
 * ops credential that reads the whole audit log. Passwords are generated and returned once. Answers undefined,
 * changing nothing, when the store already holds data.
 */
export const seedDemo = async (
  store: Store,
  credentials: CredentialStore,
  clock: Clock,
): Promise<DemoData | undefined> => {
  const now = clock.now();
  const ids = DEMO_IDS;
  const seeded = await store.transaction(async (tx) => {
    if (!(await isEmptyStore(tx))) return false;
    // Of several processes starting on one new store, the first to insert the dealers seeds; the others' inserts
    // wait for its commit, then find the rows there and stop.
    let inserted = 0;
    for (const [uuid, name] of [
      [ids.dealers.sunrise, "Sunrise Motors"],
      [ids.dealers.harbor, "Harbor Auto Group"],
    ]) {
      inserted += (
        await tx.run(
          "insert into dealers (uuid, name, created_at) values (?, ?, ?) on conflict (uuid) do nothing",
          [uuid ?? "", name ?? "", now],
        )
      ).changes;
    }
    if (inserted < 2) return false;
    await insertAll(
      tx,
      "departments",
      ["uuid", "dealer_uuid", "name", "created_at"],
      [
        [ids.departments.sunrise, ids.dealers.sunrise, "Service", now],
        [ids.departments.harbor, ids.dealers.harbor, "Service", now],
      ],
    );
    const people = (dealerUuid: string, prefix: "sunrise" | "harbor", areaCode: string): SqlParam[][] => {
      const c = ids.customers;
      const key = <K extends string>(suffix: K) => `${prefix}${suffix}` as keyof typeof c;
      return [
        [c[key("Full")], "Jane", "Doe", `+1${areaCode}5550101`, `jane.${prefix}@example.com`, 1],
        [c[key("EmailOnly")], "Eli", "Mail", null, `eli.${prefix}@example.com`, 0],
        [c[key("PhoneOnly")], "Pat", "Phone", `+1${areaCode}5550103`, null, 1],
        [c[key("NoOptIn")], "Noah", "Quiet", `+1${areaCode}5550104`, `noah.${prefix}@example.com`, 0],
      ].map((person) => [...person, dealerUuid, now]);
    };
    await insertAll(
      tx,
      "customers",
      ["uuid", "first_name", "last_name", "phone", "email", "text_opt_in", "dealer_uuid", "created_at"],
      [...people(ids.dealers.sunrise, "sunrise", "312"), ...people(ids.dealers.harbor, "harbor", "415")],
    );
    await insertAll(
      tx,
      "dealer_associates",
      ["uuid", "user_uuid", "department_uuid", "name", "created_at"],
      [
        [
          ids.associates.sunrise.uuid,
          ids.associates.sunrise.userUuid,
          ids.departments.sunrise,
          "Sam Advisor",
          now,
        ],
        [
          ids.associates.harbor.uuid,
          ids.associates.harbor.userUuid,
          ids.departments.harbor,
          "Hana Advisor",
          now,
        ],
      ],
    );
    return true;
  });
  if (!seeded) return undefined;

  const make = async (username: string, scope: string, departmentUuid: string): Promise<DemoCredential> => {
    const password = newPassword();
    await credentials.add(username, password);
    await credentials.grant(username, scope, departmentUuid);
    return { username, password, scope, departmentUuid };
  };
  const [sunriseSender, harborSender, ops, sunriseIntegrator] = await Promise.all([
    make("sunrise-sender", Scopes.sendPaymentRequest, ids.departments.sunrise),
    make("harbor-sender", Scopes.sendPaymentRequest, ids.departments.harbor),
    make("ops", Scopes.auditRead, "*"),
    make("sunrise-integrator", Scopes.webhooksManage, ids.departments.sunrise),
  ]);
  // Ops also keep the dealers' payment settings (their Stripe connected accounts).
  await credentials.grant("ops", Scopes.dealersManage, "*");
  const aggregator = await make("aggregator", Scopes.departmentRead, "*");
  for (const scope of [
    Scopes.dealerOrderRead,
    Scopes.dealerOrderWrite,
    Scopes.invoiceRead,
    Scopes.invoiceWrite,
    Scopes.paymentRequestWrite,
  ]) {
    await credentials.grant("aggregator", scope, "*");
  }
  return { ids, credentials: { sunriseSender, harborSender, ops, aggregator, sunriseIntegrator } };
};
