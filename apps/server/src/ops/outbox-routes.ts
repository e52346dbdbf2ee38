import type { Hono, MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { csvExport } from "./csv-export.ts";
import { listPage } from "./list-page.ts";
import type { ConsoleMessage, MessagePage } from "./ops-data.ts";
import { outboxPage } from "./pages/outbox-page.ts";

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
  const { data } = deps;

  ops.get(
    "/outbox",
    guard,
    listPage(deps, data.listMessages, (frame, body: MessagePage | undefined) =>
      outboxPage({ ...frame, messages: body?.messages ?? [], nextCursor: body?.nextCursor ?? null }),
    ),
  );

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
