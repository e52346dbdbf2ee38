import { ERRORS } from "@payreq/contracts";
import { createTestCore } from "@payreq/core/testing";
import { createApp, startServer } from "@payreq/server";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { type AppRouter, type AuditRecord, createPayreqClient } from "./index.ts";

const setup = async () => {
  const core = await createTestCore();
  const { sunriseSender } = core.demo.credentials;
  const body = {
    departmentUuid: core.demo.ids.departments.sunrise,
    amount: 99.95,
    orderNumber: `RO-${Math.random().toString(36).slice(2)}`,
    orderType: "RO",
    customerUuid: core.demo.ids.customers.sunriseFull,
    sendAsText: true,
  };
  return { core, sunriseSender, body };
};

describe("createPayreqClient", () => {
  it("sends a payment request with end-to-end types", async () => {
    const { core, sunriseSender, body } = await setup();
    const app = createApp({ core });
    const client = createPayreqClient({
      url: "http://payreq.test",
      ...sunriseSender,
      fetch: async (url, init) => app.request(url, init),
    });
    const result = await client.paymentRequests.send.mutate(body);
    // The result is typed from the contracts: these properties exist at compile time.
    const textSent: "SUCCESS" | "FAILURE" | undefined = result.textSent;
    expect(textSent).toBe("SUCCESS");
    expect(result.paymentUrl).toMatch(/^https:\/\//);
    expect(result.orderCreated).toBe(true);

    // What audit.get delivers is an AuditRecord as exported (checked by the package's typecheck).
    const ops = createPayreqClient({
      url: "http://payreq.test",
      ...core.demo.credentials.ops,
      fetch: async (url, init) => app.request(url, init),
    });
    const record: AuditRecord = await ops.audit.get.query({ requestId: result.requestId });
    expect(record).toMatchObject({ requestId: result.requestId, outcome: "SUCCESS" });
  });

  it("works over a real port and carries catalog codes in its errors", async () => {
    const { core, sunriseSender, body } = await setup();
    const server = await startServer(core, { host: "127.0.0.1", port: 0 });
    try {
      const client = createPayreqClient({ url: server.url, ...sunriseSender });
      expect((await client.paymentRequests.send.mutate(body)).errors).toEqual([]);

      const wrong = createPayreqClient({
        url: server.url,
        username: sunriseSender.username,
        password: "not-the-password",
      });
      const refused = await wrong.paymentRequests.send.mutate(body).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(TRPCClientError);
      const error = refused as TRPCClientError<AppRouter>;
      expect(error.data?.httpStatus).toBe(401);
      expect(error.data?.errorCode).toBe(ERRORS.WRONG_CREDENTIAL.code);

      const invalid = (await client.paymentRequests.send
        .mutate({ ...body, amount: 10.005 })
        .catch((e: unknown) => e)) as TRPCClientError<AppRouter>;
      expect(invalid.data?.errorCode).toBe(ERRORS.INVALID_REQUEST_DATA.code);
      expect(invalid.data?.errors[0]?.errorDescription).toContain("2 decimals");
    } finally {
      await server.shutdown(100);
    }
  });
});
