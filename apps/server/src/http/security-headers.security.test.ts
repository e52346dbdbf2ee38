import { describe, expect, it } from "vitest";
import { createTestApp } from "../../test/harness.ts";
import { createApp } from "../app.ts";

const directives = (res: Response) =>
  Object.fromEntries(
    (res.headers.get("content-security-policy") ?? "")
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );

const expectProtected = (res: Response) => {
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  expect(directives(res)["frame-ancestors"]).toEqual(["'none'"]);
  expect(res.headers.get("strict-transport-security")).toBeNull();
};

describe("security headers", () => {
  it("sends a strict page policy on the payment page: no inline script or style, no framing", async () => {
    const t = await createTestApp();
    const sent = (await (await t.post(t.body({ attachInvoice: true }))).json()) as { paymentUrl: string };
    const token = sent.paymentUrl.split("/").at(-1);
    for (const path of [`/pay/${token}`, `/pay/${token}/invoice`, `/pay/${"A".repeat(64)}`]) {
      const res = await t.app.request(path);
      expectProtected(res);
      const csp = directives(res);
      expect(csp["default-src"], path).toEqual(["'none'"]);
      expect(csp["script-src"]).toEqual(["'self'"]);
      expect(csp["style-src"]).toEqual(["'self'"]);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      expect(html).not.toMatch(/<style|<script(?![^>]*\bsrc=)| style=/);
    }
    const css = await t.app.request("/pay-assets/page.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  it("lets the self-hosted Swagger UI load its own assets at /docs, and nothing from elsewhere", async () => {
    const t = await createTestApp();
    for (const path of ["/docs", "/docs/init.js", "/docs/assets/swagger-ui.css"]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(200);
      expectProtected(res);
      const csp = directives(res);
      expect(csp["default-src"]).toEqual(["'none'"]);
      expect(csp["script-src"]).toEqual(["'self'"]);
      expect(csp["connect-src"]).toEqual(["'self'"]);
    }
    const page = await (await t.app.request("/docs")).text();
    expect(page).not.toMatch(/<script>(?!<\/script>)/);
  });

  it("locks down JSON answers and keeps them out of caches", async () => {
    const t = await createTestApp();
    const responses = [
      await t.app.request("/openapi.json"),
      await t.post(t.body()),
      await t.post(t.body(), { auth: null }),
      await t.trpc({ departmentUuid: t.dept, ...t.body() }),
      await t.app.request("/payment/aggregator/v1/audit-log", { headers: { Authorization: t.ops } }),
      await t.app.request("/no-such-route"),
    ];
    for (const res of responses) {
      expectProtected(res);
      expect(directives(res)["default-src"]).toEqual(["'none'"]);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
    expect(responses.map((r) => r.status)).toEqual([200, 200, 401, 200, 200, 404]);
  });

  it("sends Strict-Transport-Security only when the service is served over TLS", async () => {
    const t = await createTestApp();
    const app = createApp({ core: t, hsts: true });
    for (const path of ["/healthz", "/docs", `/pay/${"A".repeat(64)}`]) {
      const res = await app.request(path);
      expect(res.headers.get("strict-transport-security"), path).toBe("max-age=31536000; includeSubDomains");
    }
  });
});
