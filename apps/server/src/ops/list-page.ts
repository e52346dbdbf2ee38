import type { ErrorEnvelope } from "@payreq/contracts";
import type { Principal, ReadResult } from "@payreq/core";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../http/env.ts";
import type { ConsoleDeps } from "./console-env.ts";
import { presentValues, type QueryValues, toReadInput, withoutEmptyFields } from "./filters.ts";
import type { DepartmentName } from "./ops-data.ts";
import type { Html } from "./pages/layout.ts";
import { problemMessages } from "./pages/parts.ts";

/** What every filtered list page shows around its rows. */
export type ListFrame = {
  username: string;
  values: QueryValues;
  departments: readonly DepartmentName[];
  problems: readonly string[];
};

/**
 * A filtered list page (calls, outbox): the filters from the address, a read, the rows; a filter the read
 * refuses is explained above an empty table with the read's status (400, 403), never a 500.
 */
export const listPage =
  <B>(
    deps: ConsoleDeps,
    read: (principal: Principal, input: QueryValues) => Promise<ReadResult<B>>,
    render: (frame: ListFrame, body: B | undefined) => Html,
  ) =>
  async (c: Context<AppEnv>) => {
    const shorter = withoutEmptyFields(c.req.url);
    if (shorter) return c.redirect(shorter, 303);
    const principal = c.get("principal");
    const values = presentValues(c.req.query());
    const departments = await deps.data.departments(principal);
    const frame: ListFrame = { username: principal.username, values, departments, problems: [] };
    const { input, problems } = toReadInput(values, deps.core.clock.now());
    if (problems.length) return c.html(render({ ...frame, problems }, undefined), 400);
    const result = await read(principal, input);
    if (result.status !== 200) {
      const { errors } = result.body as ErrorEnvelope;
      return c.html(
        render({ ...frame, problems: problemMessages(errors) }, undefined),
        result.status as ContentfulStatusCode,
      );
    }
    return c.html(render(frame, result.body as B));
  };
