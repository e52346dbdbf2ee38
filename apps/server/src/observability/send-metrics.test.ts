import { ERRORS, errorItem } from "@payreq/contracts";
import type { SendResult } from "@payreq/core";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { labelValues, seriesValue } from "../../test/metrics-text.ts";
import { boundedLabel } from "./bounded-label.ts";
import { createCoreMetrics } from "./core-metrics.ts";
import { createSendMetrics } from "./send-metrics.ts";

const departmentStep = { step: "department", atMs: 0, durationMs: 1, result: "ok" };

const refusal = (name: keyof typeof ERRORS, timeline = [departmentStep]): SendResult => ({
  status: ERRORS[name].status,
  body: { errors: [errorItem(name)], warnings: [] },
  timeline,
});

const setup = () => {
  const registry = new Registry();
  const core = createCoreMetrics(registry);
  return { registry, core, send: createSendMetrics(registry, core.delivery) };
};

const call = (departmentUuid: unknown, overrides: Partial<{ remoteDelivery: boolean }> = {}) => ({
  transport: "rest",
  departmentUuid,
  seconds: 0.02,
  remoteDelivery: false,
  ...overrides,
});

describe("send metrics", () => {
  it("counts a key in use (409) and a resumed call", async () => {
    const { registry, send } = setup();
    send.send(refusal("IDEMPOTENCY_KEY_IN_USE"), call("dept-a"));
    send.send(
      {
        ...refusal("UPSTREAM_UNAVAILABLE"),
        timeline: [departmentStep, { step: "resume", atMs: 1, durationMs: 0, result: "ok" }],
      },
      call("dept-a"),
    );
    const text = await registry.metrics();
    expect(seriesValue(text, "payreq_idempotency_total", { result: "in_use" })).toBe(1);
    expect(seriesValue(text, "payreq_idempotency_total", { result: "resumed" })).toBe(1);
    expect(
      seriesValue(text, "payreq_send_requests_total", { department: "dept-a", outcome: "REJECTED" }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_send_requests_total", { department: "dept-a", outcome: "FAILED" })).toBe(
      1,
    );
    expect(
      seriesValue(text, "payreq_send_errors_total", { code: "109020", title: "UPSTREAM_UNAVAILABLE" }),
    ).toBe(1);
    // Only the send path's own steps become labels.
    expect(labelValues(text, "payreq_send_step_duration_seconds_count", "step")).toEqual(["department"]);
  });

  it("times failed steps under result=error", async () => {
    const { registry, send } = setup();
    send.send(
      refusal("UPSTREAM_TIMEOUT", [
        departmentStep,
        { step: "order", atMs: 1, durationMs: 5000, result: "error 109021" },
      ]),
      call("dept-a"),
    );
    const text = await registry.metrics();
    expect(
      seriesValue(text, "payreq_send_step_duration_seconds_count", { step: "order", result: "error" }),
    ).toBe(1);
    expect(seriesValue(text, "payreq_send_step_duration_seconds_sum", { step: "order" })).toBe(5);
  });

  it("never labels an unknown department, nor one refused before its lookup", async () => {
    const { registry, send } = setup();
    send.send(refusal("INVALID_DEPARTMENT_TOKEN"), call("invented"));
    send.send(refusal("INVALID_SCOPE_DEPARTMENT", []), call("someone-elses"));
    send.send(refusal("INVALID_REQUEST_DATA", []), call({ not: "a string" }));
    const text = await registry.metrics();
    expect(labelValues(text, "payreq_send_requests_total", "department")).toEqual(["unknown"]);
  });

  it("counts the platform's delivery results in upstream mode, and a replay's not again", async () => {
    const { registry, send } = setup();
    const ok: SendResult = {
      status: 200,
      body: {
        errors: [],
        warnings: [],
        paymentUrl: "https://pay.example.test/p/x",
        textSent: "SUCCESS",
        emailSent: "FAILURE",
        requestId: "r",
      },
      timeline: [departmentStep],
    };
    send.send(ok, call("dept-a", { remoteDelivery: true }));
    send.send({ ...ok, replayed: true }, call("dept-a", { remoteDelivery: true }));
    const text = await registry.metrics();
    expect(
      seriesValue(text, "payreq_deliveries_total", {
        provider: "platform",
        channel: "text",
        result: "SUCCESS",
      }),
    ).toBe(1);
    expect(
      seriesValue(text, "payreq_deliveries_total", {
        provider: "platform",
        channel: "email",
        result: "FAILURE",
      }),
    ).toBe(1);
  });

  it("counts an audit row that could not be written, and passes its failure on", async () => {
    const { registry, core } = setup();
    await core.auditRow("SUCCESS", Promise.resolve());
    await expect(core.auditRow("FAILED", Promise.reject(new Error("database gone")))).rejects.toThrow(
      "database gone",
    );
    const text = await registry.metrics();
    expect(seriesValue(text, "payreq_audit_rows_written_total", { outcome: "SUCCESS" })).toBe(1);
    expect(seriesValue(text, "payreq_audit_rows_failed_total")).toBe(1);
  });
});

describe("boundedLabel", () => {
  it("keeps the first values and folds the rest into one", () => {
    const label = boundedLabel(2);
    expect(["a", "b", "c", "a", "d", "b"].map(label)).toEqual(["a", "b", "other", "a", "other", "b"]);
  });
});
