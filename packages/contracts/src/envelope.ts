import * as z from "zod";
import { ERRORS, type ErrorName, WARNINGS, type WarningName } from "./catalog.ts";

const int32 = () => z.int().meta({ format: "int32" });

export const ErrorItem = z
  .object({
    errorCode: int32(),
    errorTitle: z.string(),
    errorMessage: z.string(),
    errorDescription: z.string(),
  })
  .meta({ id: "Error" });
export type ErrorItem = z.infer<typeof ErrorItem>;

export const WarningItem = z
  .object({
    warningCode: int32(),
    warningTitle: z.string(),
    warningMessage: z.string(),
    warningDescription: z.string(),
  })
  .meta({ id: "Warning" });
export type WarningItem = z.infer<typeof WarningItem>;

/** The envelope every answer carries: `errors` (empty on success) and `warnings`. */
export const envelopeFields = { errors: z.array(ErrorItem), warnings: z.array(WarningItem) };

/** The body of every non-200 response: `errors` non-empty, no payload fields. */
export const ErrorEnvelope = z
  .object({ errors: z.array(ErrorItem).min(1), warnings: z.array(WarningItem) })
  .meta({ id: "ErrorEnvelope" });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;

export const errorItem = (
  name: ErrorName,
  override: { message?: string; description?: string } = {},
): ErrorItem => {
  const entry = ERRORS[name];
  return {
    errorCode: entry.code,
    errorTitle: entry.title,
    errorMessage: override.message ?? entry.message,
    errorDescription: override.description ?? entry.description,
  };
};

export const warningItem = (
  name: WarningName,
  override: { message?: string; description?: string } = {},
): WarningItem => {
  const entry = WARNINGS[name];
  return {
    warningCode: entry.code,
    warningTitle: entry.title,
    warningMessage: override.message ?? entry.message,
    warningDescription: override.description ?? entry.description,
  };
};
