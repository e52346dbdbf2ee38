import type { ErrorEnvelope } from "@payreq/contracts";
import type { Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { csvResponse, readAllPages } from "./csv-export.ts";
import { presentValues, toReadInput, withoutEmptyFields } from "./filters.ts";
import type { ConsoleMessage, MessagePage } from "./ops-data.ts";
import { outboxPage } from "./pages/outbox-page.ts";
import { problemMessages } from "./pages/parts.ts";

const CSV_COLUMNS = [
  "createdAt",
  "uuid",
  "channel",
  "status",
  "recipient",
  "subject",
  "provider",
  "providerRef",
  "error",
  "segments",
  "departmentUuid",
  "customerUuid",
  "paymentRequestUuid",
  "requestId",
] as const satisfies readonly (keyof ConsoleMessage)[];

export const registerOutboxRoutes = (
  ops: Hono<AppEnv>,
  deps: ConsoleDeps,
  guard: MiddlewareHandler<AppEnv>,
) => {
  const { data, core } = deps;

  ops.get("/outbox", guard, async (c) => {
    const shorter = withoutEmptyFields(c.req.url);
    if (shorter) return c.redirect(shorter, 303);
    const principal = c.get("principal");
    const values = presentValues(c.req.query());
    const departments = await data.departments(principal);
    const view = { username: principal.username, values, departments, messages: [], nextCursor: null };
    const { input, problems } = toReadInput(values, core.clock.now());
    if (problems.length) return c.html(outboxPage({ ...view, problems }), 400);
    const result = await data.listMessages(principal, input);
    if (result.status !== 200) {
      const { errors } = result.body as ErrorEnvelope;
      return c.html(
        outboxPage({ ...view, problems: problemMessages(errors) }),
        result.status as ContentfulStatusCode,
      );
    }
    return c.html(outboxPage({ ...view, ...(result.body as MessagePage), problems: [] }));
  });

  ops.get("/outbox.csv", guard, async (c) => {
    const principal = c.get("principal");
    const { cursor: _, limit: __, ...values } = presentValues(c.req.query());
    const { input, problems } = toReadInput(values, core.clock.now());
    if (problems.length) return c.text(problems.join("\n"), 400);
    const all = await readAllPages(
      (cursor, limit) => data.listMessages(principal, { ...input, limit, ...(cursor ? { cursor } : {}) }),
      (page: MessagePage) => page.messages,
    );
    if (!all.ok)
      return c.text(problemMessages(all.body.errors).join("\n"), all.status as ContentfulStatusCode);
    return csvResponse(
      c,
      "outbox",
      [...CSV_COLUMNS],
      all.rows.map((m) => CSV_COLUMNS.map((column) => m[column])),
      all.truncated,
    );
  });
};
