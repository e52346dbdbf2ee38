import type * as z from "zod";
import { type ErrorItem, errorItem } from "./envelope.ts";

const formatPath = (path: readonly PropertyKey[]) =>
  path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : `${i === 0 ? "" : "."}${String(part)}`))
    .join("");

/**
 * Turns validation issues into INVALID_REQUEST_DATA errors: `errorMessage` names the field path,
 * `errorDescription` says what is wrong. An unknown field gives one error per field, named.
 */
export const toRequestErrors = (error: z.ZodError, prefix: readonly PropertyKey[] = []): ErrorItem[] =>
  error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => {
        const field = formatPath([...prefix, ...issue.path, key]);
        return errorItem("INVALID_REQUEST_DATA", {
          message: `Unknown field: ${field}`,
          description: `${field} is not a field of this request; check its spelling`,
        });
      });
    }
    const field = formatPath([...prefix, ...issue.path]) || "body";
    return [
      errorItem("INVALID_REQUEST_DATA", { message: `Invalid field: ${field}`, description: issue.message }),
    ];
  });
