import { randomBytes } from "node:crypto";
import { Scopes } from "@payreq/contracts";
import type { CredentialStore } from "../auth/credential-store.ts";
import type { PayreqDatabase } from "../db/open-database.ts";
import { customers, dealerAssociates, dealers, departments } from "../db/schema.ts";
import type { Clock } from "../ids.ts";

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
  };
};

export const isEmptyDatabase = (database: PayreqDatabase): boolean =>
  database.db.select({ uuid: dealers.uuid }).from(dealers).limit(1).all().length === 0;

const newPassword = () => randomBytes(12).toString("base64url");

/**
 * Two dealers with one department each; customers covering every delivery case (phone+email+opt-in, email only,
 * phone only, phone without opt-in); an associate per department; a sending credential per department and an
 * ops credential that reads the whole audit log. Passwords are generated and returned once. Answers undefined,
 * changing nothing, when the database already holds data.
 */
export const seedDemo = async (
  database: PayreqDatabase,
  credentials: CredentialStore,
  clock: Clock,
): Promise<DemoData | undefined> => {
  const now = clock.now();
  const { db } = database;
  const ids = DEMO_IDS;
  // Checked inside the write transaction: of two processes starting on one new file, only one seeds.
  const seeded = await database.writes.run(() => {
    if (!isEmptyDatabase(database)) return false;
    db.insert(dealers)
      .values([
        { uuid: ids.dealers.sunrise, name: "Sunrise Motors", createdAt: now },
        { uuid: ids.dealers.harbor, name: "Harbor Auto Group", createdAt: now },
      ])
      .run();
    db.insert(departments)
      .values([
        { uuid: ids.departments.sunrise, dealerUuid: ids.dealers.sunrise, name: "Service", createdAt: now },
        { uuid: ids.departments.harbor, dealerUuid: ids.dealers.harbor, name: "Service", createdAt: now },
      ])
      .run();
    const people = (dealerUuid: string, prefix: "sunrise" | "harbor", areaCode: string) => {
      const c = ids.customers;
      const key = <K extends string>(suffix: K) => `${prefix}${suffix}` as keyof typeof c;
      return [
        {
          uuid: c[key("Full")],
          firstName: "Jane",
          lastName: "Doe",
          phone: `+1${areaCode}5550101`,
          email: `jane.${prefix}@example.com`,
          textOptIn: true,
        },
        {
          uuid: c[key("EmailOnly")],
          firstName: "Eli",
          lastName: "Mail",
          phone: null,
          email: `eli.${prefix}@example.com`,
          textOptIn: false,
        },
        {
          uuid: c[key("PhoneOnly")],
          firstName: "Pat",
          lastName: "Phone",
          phone: `+1${areaCode}5550103`,
          email: null,
          textOptIn: true,
        },
        {
          uuid: c[key("NoOptIn")],
          firstName: "Noah",
          lastName: "Quiet",
          phone: `+1${areaCode}5550104`,
          email: `noah.${prefix}@example.com`,
          textOptIn: false,
        },
      ].map((person) => ({ ...person, dealerUuid, createdAt: now }));
    };
    db.insert(customers)
      .values([
        ...people(ids.dealers.sunrise, "sunrise", "312"),
        ...people(ids.dealers.harbor, "harbor", "415"),
      ])
      .run();
    db.insert(dealerAssociates)
      .values([
        {
          ...ids.associates.sunrise,
          departmentUuid: ids.departments.sunrise,
          name: "Sam Advisor",
          createdAt: now,
        },
        {
          ...ids.associates.harbor,
          departmentUuid: ids.departments.harbor,
          name: "Hana Advisor",
          createdAt: now,
        },
      ])
      .run();
    return true;
  });
  if (!seeded) return undefined;

  const make = async (username: string, scope: string, departmentUuid: string): Promise<DemoCredential> => {
    const password = newPassword();
    await credentials.add(username, password);
    await credentials.grant(username, scope, departmentUuid);
    return { username, password, scope, departmentUuid };
  };
  const [sunriseSender, harborSender, ops] = await Promise.all([
    make("sunrise-sender", Scopes.sendPaymentRequest, ids.departments.sunrise),
    make("harbor-sender", Scopes.sendPaymentRequest, ids.departments.harbor),
    make("ops", Scopes.auditRead, "*"),
  ]);
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
  return { ids, credentials: { sunriseSender, harborSender, ops, aggregator } };
};
