import type { ErrorEnvelope } from "@payreq/contracts";
import { PayreqError, resendUncertainMessage } from "@payreq/core";
import type { Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { csvExport } from "./csv-export.ts";
import { listPage } from "./list-page.ts";
import type { ConsoleMessage, MessagePage } from "./ops-data.ts";
import { messagePage } from "./pages/message-page.ts";
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
  postGuard: MiddlewareHandler<AppEnv>,
) => {
  const { data, core } = deps;

  ops.get(
    "/outbox",
    guard,
    listPage(deps, data.listMessages, (frame, body: MessagePage | undefined) =>
      outboxPage({ ...frame, messages: body?.messages ?? [], nextCursor: body?.nextCursor ?? null }),
    ),
  );

  /**
   * A message that may have been sent (UNCERTAIN), sent again at an operator's word: a new payment request for its
   * invoice on that channel, audited as ops.resend; then the call's page.
   */
  ops.post("/outbox/:uuid/resend", postGuard, async (c) => {
    const principal = c.get("principal");
    const requestId = c.get("requestId");
    try {
      const result = await resendUncertainMessage(core.deps, principal, c.req.param("uuid"), {
        requestId,
        transport: "rest",
        operation: "ops.resend",
        receivedAt: core.clock.now(),
      });
      if (result.status !== 200) {
        return c.html(
          messagePage(
            { title: "Resend", username: principal.username, active: "outbox" },
            "Not sent again",
            problemMessages((result.body as ErrorEnvelope).errors),
          ),
          result.status as ContentfulStatusCode,
        );
      }
      return c.redirect(`/ops/calls/${encodeURIComponent(requestId)}`, 303);
    } catch (error) {
      if (!(error instanceof PayreqError)) throw error;
      return c.html(
        messagePage({ title: "Resend", username: principal.username, active: "outbox" }, "Not sent again", [
          error.item.errorDescription,
        ]),
        error.status as ContentfulStatusCode,
      );
    }
  });

  ops.get(
    "/outbox.csv",
    guard,
    csvExport(
      deps,
      "outbox",
      CSV_COLUMNS,
      data.listMessages,
      (page: MessagePage) => page.messages,
      (message) => CSV_COLUMNS.map((column) => message[column]),
    ),
  );
};
