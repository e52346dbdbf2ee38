import { TEST_STORES } from "@payreq/core/testing/stores";
import { describe, expect, it } from "vitest";
import { basic } from "../../test/harness.ts";
import {
  createConsoleFixture,
  HOSTILE_FIRST_NAME,
  postSignIn,
  SCOPED_OPS,
  sessionCookieOf,
  signedIn,
} from "../../test/ops-fixture.ts";

const get = (
  t: { app: { request: (p: string, i?: RequestInit) => Response | Promise<Response> } },
  path: string,
  cookie?: string,
) => t.app.request(path, cookie ? { headers: { Cookie: cookie } } : {});

const opsRows = async (t: Awaited<ReturnType<typeof createConsoleFixture>>) =>
  (await t.auditRows()).filter((row) => String(row.operation).startsWith("ops."));

describe.each(TEST_STORES)("on %s", (kind) => {
  describe("who may open the console", () => {
    it("sends a browser without a session to sign in, remembering the page, and audits nothing", async () => {
      const t = await createConsoleFixture({ store: kind });
      const res = await get(t, "/ops/calls?outcome=FAILED");
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/ops/sign-in?next=%2Fops%2Fcalls%3Foutcome%3DFAILED");
      expect(await opsRows(t)).toEqual([]);
    });

    it("refuses a sending credential with a 403 page and no session, audited as 100014", async () => {
      const t = await createConsoleFixture({ store: kind });
      const res = await postSignIn(t.app, t.demo.credentials.sunriseSender);
      expect(res.status).toBe(403);
      expect(res.headers.get("set-cookie")).toBeNull();
      expect(await res.text()).toContain("cannot use the ops console");
      expect(await opsRows(t)).toMatchObject([
        { operation: "ops.sign-in", username: "sunrise-sender", http_status: 403, error_code: 100014 },
      ]);
    });

    it("refuses a wrong password with 401, audited under the name tried, and shares Basic auth's throttle", async () => {
      const t = await createConsoleFixture({ store: kind });
      const { ops } = t.demo.credentials;
      const wrong = await postSignIn(t.app, { username: ops.username, password: "wrong-password" });
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).toContain("The username or password is wrong.");
      expect(await opsRows(t)).toMatchObject([{ username: "ops", http_status: 401, error_code: 100003 }]);
      for (let i = 0; i < 9; i++)
        await postSignIn(t.app, { username: ops.username, password: "wrong-password" });
      const throttled = await postSignIn(t.app, ops);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await throttled.text()).toContain("Too many failed attempts");
      const basicAuth = await t.app.request("/payment/aggregator/v1/audit-log", {
        headers: { Authorization: basic(ops.username, ops.password) },
      });
      expect(basicAuth.status).toBe(429);
    });

    it("sets a signed, HttpOnly, SameSite=Strict cookie on /ops with an expiry, Secure over https", async () => {
      const t = await createConsoleFixture({ store: kind });
      const res = await postSignIn(t.app, t.demo.credentials.ops, { next: "/ops/outbox?channel=text" });
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/ops/outbox?channel=text");
      const cookie = res.headers.get("set-cookie") ?? "";
      expect(cookie).toMatch(/^payreq_ops=[^;]+\.[^;]+;/);
      expect(cookie).toContain("Max-Age=28800");
      expect(cookie).toContain("Path=/ops");
      expect(cookie).toContain("HttpOnly");
      expect(cookie).toContain("SameSite=Strict");
      expect(cookie).not.toContain("Secure");
      const secure = await postSignIn(t.app, t.demo.credentials.ops, {
        url: "https://localhost/ops/sign-in",
        origin: "https://localhost",
      });
      expect(secure.headers.get("set-cookie")).toContain("Secure");
      expect(await opsRows(t)).toMatchObject([
        { operation: "ops.sign-in", username: "ops", http_status: 303, outcome: "SUCCESS" },
        { operation: "ops.sign-in", username: "ops", http_status: 303, outcome: "SUCCESS" },
      ]);
    });

    it("never redirects after sign-in outside the console", async () => {
      const t = await createConsoleFixture({ store: kind });
      for (const next of [
        "https://evil.example/",
        "//evil.example/ops",
        "/ops\\..\\evil",
        "/opsevil",
        "/ops/sign-in",
      ]) {
        const res = await postSignIn(t.app, t.demo.credentials.ops, { next });
        expect(res.headers.get("location")).toBe("/ops");
      }
    });

    it("refuses a tampered cookie with 401, clears it and audits the refusal", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      const [name, value] = cookie.split("=") as [string, string];
      const payload = JSON.parse(
        Buffer.from(decodeURIComponent(value).split(".")[0]!, "base64url").toString(),
      );
      const forged = Buffer.from(JSON.stringify({ ...payload, username: "someone-else" })).toString(
        "base64url",
      );
      const signature = decodeURIComponent(value).split(".")[1];
      for (const bad of [
        `${name}=${forged}.${signature}`,
        `${name}=${value.slice(0, -4)}AAAA`,
        `${name}=garbage`,
      ]) {
        const res = await get(t, "/ops/calls", bad);
        expect(res.status).toBe(401);
        expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
        expect(await res.text()).toContain("Your session is not valid");
      }
      expect((await opsRows(t)).filter((r) => r.operation === "ops.page")).toHaveLength(3);
      expect((await opsRows(t)).at(-1)).toMatchObject({ http_status: 401, error_code: 100003 });
    });

    it("ends a session after its 8 hours, checked by the server whatever the browser keeps", async () => {
      let now = Date.now();
      const t = await createConsoleFixture({ store: kind, clock: { now: () => now } });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      expect((await get(t, "/ops/calls", cookie)).status).toBe(200);
      now += 8 * 3600_000 + 1000;
      const res = await get(t, "/ops/calls", cookie);
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toBe("/ops/sign-in?next=%2Fops%2Fcalls&notice=expired");
      expect(res.headers.get("set-cookie")).toContain("Max-Age=0");
    });

    it("ends every session of a credential that is disabled, changes password or loses its grant", async () => {
      const t = await createConsoleFixture({ store: kind });
      const changes = [
        () => t.credentials.revoke(SCOPED_OPS.username, "payment.audit.read", t.demo.ids.departments.sunrise),
        () => t.credentials.setPassword(SCOPED_OPS.username, "a-brand-new-password"),
        () => t.credentials.disable(SCOPED_OPS.username),
      ];
      for (const change of changes) {
        await t.credentials.grant(SCOPED_OPS.username, "payment.audit.read", t.demo.ids.departments.sunrise);
        await t.credentials.setPassword(SCOPED_OPS.username, SCOPED_OPS.password);
        const cookie = await signedIn(t.app, SCOPED_OPS);
        expect((await get(t, "/ops/calls", cookie)).status).toBe(200);
        await change();
        const res = await get(t, "/ops/calls", cookie);
        expect(res.status).toBe(401);
        expect(await res.text()).toContain("Your credential was changed or disabled");
      }
      expect((await opsRows(t)).filter((r) => r.http_status === 401)).toHaveLength(3);
    });

    it("makes a signed-out cookie useless even where a copy was kept", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      const out = await t.app.request("/ops/sign-out", {
        method: "POST",
        headers: {
          Cookie: cookie,
          Origin: "http://localhost",
          "Content-Type": "application/x-www-form-urlencoded",
        },
      });
      expect(out.status).toBe(303);
      expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
      expect((await get(t, "/ops", cookie)).status).toBe(401);
    });
  });

  describe("forms refuse other origins (CSRF)", () => {
    it("refuses a sign-in, a sign-out or a verification posted from elsewhere, before anything runs", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      const before = (await opsRows(t)).length;
      for (const origin of [null, "https://evil.example"]) {
        const res = await postSignIn(t.app, t.demo.credentials.ops, { origin });
        expect(res.status).toBe(403);
        expect(res.headers.get("set-cookie")).toBeNull();
        for (const path of ["/ops/sign-out", "/ops/verify-chain"]) {
          const refused = await t.app.request(path, {
            method: "POST",
            headers: {
              Cookie: cookie,
              "Content-Type": "application/x-www-form-urlencoded",
              ...(origin ? { Origin: origin } : {}),
            },
          });
          expect(refused.status).toBe(403);
        }
      }
      const crossSite = await t.app.request("/ops/sign-in", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site" },
        body: new URLSearchParams(t.demo.credentials.ops),
      });
      expect(crossSite.status).toBe(403);
      expect(await opsRows(t)).toHaveLength(before);
      expect((await get(t, "/ops", cookie)).status).toBe(200);
    });
  });

  describe("what the pages may load and show", () => {
    it("answers every console response with the strict policy, no framing and no caching of pages", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      for (const path of [
        "/ops/sign-in",
        "/ops",
        "/ops/calls",
        "/ops/outbox",
        "/ops/nope",
        "/ops/assets/ops.js",
      ]) {
        const res = await get(t, path, cookie);
        expect(res.headers.get("content-security-policy")).toBe(
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        );
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        if (!path.includes("assets")) expect(res.headers.get("cache-control")).toBe("no-store");
      }
      // The API's own answers keep the app's locked-down policy, not the console's.
      expect((await get(t, "/payment/aggregator/v1/audit-log")).headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      );
    });

    it("has no inline script, inline style or event handler attribute on any page", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      const calls = await (await get(t, "/ops/calls", cookie)).text();
      const callPath = /href="(\/ops\/calls\/[^"]+)"/.exec(calls)?.[1] ?? "";
      for (const path of [
        "/ops/sign-in",
        "/ops",
        "/ops/calls",
        "/ops/outbox",
        callPath,
        `/ops/calls/${t.hostileCall}`,
      ]) {
        const page = await (await get(t, path, cookie)).text();
        expect(page).toContain("</html>");
        expect(page.match(/<script\b[^>]*>/g)).toEqual(['<script src="/ops/assets/ops.js" defer>']);
        // Markup in the data shows as escaped text; only the page's own tags are looked at here.
        const tags = page.match(/<[a-z][^>]*>/gi) ?? [];
        expect(
          tags.filter((tag) =>
            /^<style\b|\sstyle=|\son[a-z]+=|javascript:|(src|href|action)="http:/i.test(tag),
          ),
        ).toEqual([]);
      }
    });

    it("escapes a customer name, a description and filter values holding markup", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, t.demo.credentials.ops);
      const page = await (await get(t, `/ops/calls/${t.hostileCall}`, cookie)).text();
      expect(page).toContain(
        "&lt;script&gt;alert(&quot;first&quot;)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;",
      );
      expect(page).toContain("&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;brakes&lt;/i&gt;");
      expect(page).not.toContain(HOSTILE_FIRST_NAME);
      const echoed = await (
        await get(t, `/ops/calls?orderNumber=${encodeURIComponent('"><script>alert(1)</script>')}`, cookie)
      ).text();
      expect(echoed).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
      expect(echoed).not.toContain("<script>alert(1)");
    });
  });

  describe("a credential reading one department", () => {
    it("sees only that department's calls and messages, and is refused another's with a message", async () => {
      const t = await createConsoleFixture({ store: kind });
      const cookie = await signedIn(t.app, SCOPED_OPS);
      const calls = await (await get(t, "/ops/calls", cookie)).text();
      expect(calls).toContain("Sunrise Motors");
      expect(calls).not.toContain("Harbor Auto Group");
      const harbor = await get(t, `/ops/calls?departmentUuid=${t.demo.ids.departments.harbor}`, cookie);
      expect(harbor.status).toBe(403);
      expect(await harbor.text()).toContain("does not hold payment.audit.read for this department");
      const outbox = await (await get(t, "/ops/outbox", cookie)).text();
      expect(outbox).not.toContain("unreachable handset");
      const otherOutbox = await get(t, `/ops/outbox?departmentUuid=${t.demo.ids.departments.harbor}`, cookie);
      expect(otherOutbox.status).toBe(403);
      const harborCall = (await t.auditRows()).find(
        (r) => r.department_uuid === t.demo.ids.departments.harbor,
      );
      expect((await get(t, `/ops/calls/${harborCall?.request_id}`, cookie)).status).toBe(403);
      const overview = await (await get(t, "/ops", cookie)).text();
      expect(overview).not.toContain("Verify now");
      const verify = await t.app.request("/ops/verify-chain", {
        method: "POST",
        headers: {
          Cookie: cookie,
          Origin: "http://localhost",
          "Content-Type": "application/x-www-form-urlencoded",
        },
      });
      expect(verify.status).toBe(403);
    });
  });

  describe("sessions are per process", () => {
    it("does not accept a cookie signed by another console", async () => {
      const t = await createConsoleFixture({ store: kind });
      const other = await createConsoleFixture({ store: kind });
      const cookie = sessionCookieOf(await postSignIn(other.app, other.demo.credentials.ops)) ?? "";
      expect((await get(t, "/ops", cookie)).status).toBe(401);
    });
  });
});
