import * as z from "zod";

export const IDENTIFIER_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Identifiers (department, dealer, order, customer, associate uuids) are 1–64 characters of [A-Za-z0-9_-]. */
export const identifier = (field: string) =>
  z
    .string({
      error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`),
    })
    .regex(IDENTIFIER_PATTERN, `${field} must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-'`);

export const DepartmentUuid = identifier("departmentUuid");
export type DepartmentUuid = z.infer<typeof DepartmentUuid>;

export const DepartmentPathParams = z.strictObject({ departmentUuid: DepartmentUuid });
export type DepartmentPathParams = z.infer<typeof DepartmentPathParams>;

/** Idempotency keys: 1–255 printable ASCII characters (IETF Idempotency-Key draft, Stripe's limit). */
export const IdempotencyKey = z
  .string({ error: "idempotencyKey must be a string" })
  .regex(/^[\x20-\x7E]{1,255}$/, "idempotencyKey must be 1-255 printable ASCII characters");
export type IdempotencyKey = z.infer<typeof IdempotencyKey>;
