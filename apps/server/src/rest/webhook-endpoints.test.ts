import { ERRORS } from "@payreq/contracts";
import { createHttpWebhookSender } from "@payreq/core";
import { TEST_STORES } from "@payreq/core/testing/stores";
import { startWebhookReceiver } from "@payreq/core/testing/webhook-receiver";
import { afterEach, describe, expect, it } from "vitest";
import { basic, createTestApp } from "../../test/harness.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const setup = async (kind: (typeof TEST_STORES)[number]) => {
  const webhookSender = createHttpWebhookSender({ allowPrivate: true });
  cleanups.push(() => webhookSender.close());
  const t = await createTestApp({ store: kind, webhookSender });
  const receiver = await startWebhookReceiver();
  cleanups.push(() => receiver.close());
  const { sunriseIntegrator } = t.demo.credentials;
  const integrator = basic(sunriseIntegrator.username, sunriseIntegrator.password);
  const base = `/payment/aggregator/v1/departments/${t.dept}/webhook-endpoints`;
  const call = (method: string, path: string, body?: unknown, auth = integrator) =>
    t.app.request(`${base}${path}`, {
      method,
      headers: { Authorization: auth, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { ...t, receiver, integrator, base, call };
};

describe.each(TEST_STORES)("webhook endpoints over REST and tRPC on %s", (kind) => {
  it("registers an endpoint and answers its secret once; lists and shows it without; audits without the secret", async () => {
    const t = await setup(kind);
    const created = await t.call("POST", "", {
      url: t.receiver.url,
      events: ["payment_request.created", "invoice.paid"],
      description: "DMS",
    });
    expect(created.status).toBe(201);
    const { endpoint } = (await created.json()) as { endpoint: { id: string; secret: string } };
    expect(endpoint).toMatchObject({
      url: t.receiver.url,
      events: ["payment_request.created", "invoice.paid"],
      departmentUuid: t.dept,
      enabled: true,
    });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const listed = await (await t.call("GET", "")).text();
    const shown = await (await t.call("GET", `/${endpoint.id}`)).text();
    for (const text of [listed, shown]) {
      expect(text).toContain(endpoint.id);
      expect(text).not.toContain("whsec_");
    }
    const rows = await t.auditRows();
    const create = rows.find((r) => r.operation === "webhooks.create");
    expect(create).toMatchObject({
      http_status: 201,
      username: "sunrise-integrator",
      department_uuid: t.dept,
    });
    expect(JSON.stringify(rows)).not.toContain(endpoint.secret.slice(6, 30));
    const rotated = (await (await t.call("POST", `/${endpoint.id}/rotate-secret`)).json()) as {
      endpoint: { secret: string; previousSecretExpiresAt: string };
    };
    expect(rotated.endpoint.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.endpoint.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(JSON.stringify(await t.auditRows())).not.toContain(rotated.endpoint.secret.slice(6, 30));
  });

  it("disables, enables and removes; refuses a sender, another department and a bad body", async () => {
    const t = await setup(kind);
    const { endpoint } = (await (await t.call("POST", "", { url: t.receiver.url })).json()) as {
      endpoint: { id: string };
    };
    expect(await (await t.call("POST", `/${endpoint.id}/disable`)).json()).toMatchObject({
      endpoint: { enabled: false, disabledReason: "disabled by sunrise-integrator" },
    });
    expect(await (await t.call("POST", `/${endpoint.id}/enable`)).json()).toMatchObject({
      endpoint: { enabled: true, disabledReason: null },
    });
    expect((await t.call("GET", "", undefined, t.sender)).status).toBe(403);
    const other = await t.app.request(
      `/payment/aggregator/v1/departments/${t.demo.ids.departments.harbor}/webhook-endpoints/${endpoint.id}`,
      { headers: { Authorization: t.integrator } },
    );
    expect(other.status).toBe(403);
    const typo = await t.call("POST", "", { url: t.receiver.url, evnts: ["invoice.paid"] });
    expect(typo.status).toBe(400);
    expect(await typo.json()).toMatchObject({ errors: [{ errorCode: ERRORS.INVALID_REQUEST_DATA.code }] });
    const badType = await t.call("POST", "", { url: t.receiver.url, events: ["invoice.eaten"] });
    expect(badType.status).toBe(400);
    expect((await t.call("DELETE", `/${endpoint.id}`)).status).toBe(200);
    const gone = await t.call("GET", `/${endpoint.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({
      errors: [{ errorCode: ERRORS.WEBHOOK_ENDPOINT_NOT_FOUND.code }],
    });
  });

  it("serves the same operations through tRPC", async () => {
    const t = await setup(kind);
    const trpc = (procedure: string, input: unknown, query = false) =>
      t.app.request(
        query
          ? `/trpc/webhooks.${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`
          : `/trpc/webhooks.${procedure}`,
        {
          method: query ? "GET" : "POST",
          headers: { Authorization: t.integrator, ...(query ? {} : { "Content-Type": "application/json" }) },
          ...(query ? {} : { body: JSON.stringify(input) }),
        },
      );
    const created = (await (
      await trpc("create", { departmentUuid: t.dept, url: t.receiver.url })
    ).json()) as {
      result: { data: { endpoint: { id: string; secret: string } } };
    };
    const { id } = created.result.data.endpoint;
    expect(created.result.data.endpoint.secret).toMatch(/^whsec_/);
    const listed = (await (await trpc("list", { departmentUuid: t.dept }, true)).json()) as {
      result: { data: { endpoints: { id: string }[] } };
    };
    expect(listed.result.data.endpoints.map((e) => e.id)).toEqual([id]);
    const refused = await trpc("list", { departmentUuid: t.demo.ids.departments.harbor }, true);
    expect(refused.status).toBe(403);
  });
});
