import type { Notifier } from "@payreq/core";
import { basic, createTestApp } from "./harness.ts";

/** A customer whose name is markup: every page must show it as text. */
export const HOSTILE_FIRST_NAME = '<script>alert("first")</script>';
export const HOSTILE_LAST_NAME = "<img src=x onerror=alert(2)>";
export const HOSTILE_CUSTOMER = "c0570000-0000-4000-8000-0000000000ee";
export const SCOPED_OPS = { username: "sunrise-ops", password: "sunrise-ops-password" };
export const KEYED_ORDER = "RO-1234";
/** A Harbor order whose text the carrier refused: the call succeeded, the text did not arrive. */
export const FAILED_ORDER = "RO-2001";
export const IDEMPOTENCY_KEY = "4f6c1a9e-2b7d-4c1e-9a55-0d6f3b2e8c71";

/** Texts to Harbor's area code are refused by the "carrier", so the outbox holds failures too. */
const carrier: Notifier = {
  sendText: async (message) => {
    if (message.to.startsWith("+1415")) throw new Error("carrier refused the message: unreachable handset");
    return { provider: "sms", providerRef: `SM${message.to.slice(-4)}0000000000000000000000000000` };
  },
  sendEmail: async () => ({ provider: "smtp", providerRef: "<0001@mail.example.test>" }),
  providers: { text: "sms", email: "smtp" },
};

/**
 * The demo data with calls an ops person would look into: a call on RO-1234 sent with an Idempotency-Key and
 * replayed, a call refused for its amount, a wrong password, Harbor calls whose texts the carrier refused
 * (RO-2001, RO-2002), a call for a customer whose name is markup, and a credential reading Sunrise only.
 */
export const createConsoleFixture = async (options: Parameters<typeof createTestApp>[0] = {}) => {
  const t = await createTestApp({ notifier: carrier, ...options });
  const { sunrise, harbor } = t.demo.ids.departments;
  await t.store.transaction((tx) =>
    tx.run(
      `insert into customers (uuid, dealer_uuid, first_name, last_name, phone, email, text_opt_in, created_at)
       values (?, ?, ?, ?, ?, ?, 1, ?)`,
      [
        HOSTILE_CUSTOMER,
        t.demo.ids.dealers.sunrise,
        HOSTILE_FIRST_NAME,
        HOSTILE_LAST_NAME,
        "+13125550199",
        "mallory@example.com",
        t.clock.now(),
      ],
    ),
  );
  const keyed = t.body({ orderNumber: KEYED_ORDER });
  const first = (await (await t.post(keyed, { headers: { "Idempotency-Key": IDEMPOTENCY_KEY } })).json()) as {
    requestId: string;
  };
  await t.post(keyed, { headers: { "Idempotency-Key": IDEMPOTENCY_KEY } });
  await t.post(t.body({ amount: 10.005 }));
  await t.post(t.body(), { auth: basic(t.demo.credentials.sunriseSender.username, "not-the-password") });
  for (const orderNumber of [FAILED_ORDER, "RO-2002"]) {
    await t.post(t.body({ orderNumber, customerUuid: t.demo.ids.customers.harborFull }), {
      auth: t.harbor,
      department: harbor,
    });
  }
  const hostile = (await (
    await t.post(t.body({ customerUuid: HOSTILE_CUSTOMER, description: "<b>bold</b> & <i>brakes</i>" }))
  ).json()) as { requestId: string };
  await t.credentials.add(SCOPED_OPS.username, SCOPED_OPS.password);
  await t.credentials.grant(SCOPED_OPS.username, "payment.audit.read", sunrise);
  return { ...t, firstKeyedCall: first.requestId, hostileCall: hostile.requestId };
};

export type ConsoleFixture = Awaited<ReturnType<typeof createConsoleFixture>>;

type Credential = { username: string; password: string };
type Requester = { request: (path: string, init?: RequestInit) => Response | Promise<Response> };

/** The sign-in form's POST as a browser on the same origin sends it. */
export const postSignIn = (
  app: Requester,
  credential: Credential,
  init: { origin?: string | null; next?: string; url?: string } = {},
) =>
  app.request(init.url ?? "/ops/sign-in", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(init.origin === null ? {} : { Origin: init.origin ?? "http://localhost" }),
    },
    body: new URLSearchParams({ ...credential, next: init.next ?? "/ops" }),
  });

export const sessionCookieOf = (res: Response) => res.headers.get("set-cookie")?.split(";")[0];

/** A session cookie for the credential, as `Cookie` header value. */
export const signedIn = async (app: Requester, credential: Credential): Promise<string> => {
  const res = await postSignIn(app, credential);
  const cookie = sessionCookieOf(res);
  if (res.status !== 303 || !cookie)
    throw new Error(`sign-in as ${credential.username} answered ${res.status}`);
  return cookie;
};
