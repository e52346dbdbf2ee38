import { DepartmentUuid, IdempotencyKey } from "@payreq/contracts";
import type * as z from "zod";
import { fieldSchema, type JsonObject } from "./schemas.ts";

export const pathParameter = (name: string, schema: JsonObject, description?: string) => ({
  name,
  in: "path",
  required: true,
  ...(description ? { description } : {}),
  schema,
});

export const departmentParameter = pathParameter("departmentUuid", fieldSchema(DepartmentUuid));

export const idempotencyKeyParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "1-255 printable ASCII characters, kept per credential for 24 h. The same key and request replays the first answer; after a timeout or a 5xx, resend with the same key to resume the call without sending twice.",
  schema: fieldSchema(IdempotencyKey),
};

/** Query parameters from the zod object the route validates the query with, so the two cannot differ. */
export const queryParameters = (schema: z.ZodObject, descriptions: Record<string, string> = {}) =>
  Object.entries(schema.shape).map(([name, field]) => ({
    name,
    in: "query",
    required: !(field as z.ZodType).safeParse(undefined).success,
    ...(descriptions[name] ? { description: descriptions[name] } : {}),
    schema: fieldSchema(field as z.ZodType),
  }));
