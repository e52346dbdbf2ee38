import { type Core, PayreqError, recordCall } from "@payreq/core";

type Entry = Parameters<typeof recordCall>[1]["entry"];

/**
 * A change made from the command line, audited like one made over the API: the answer it gives on success, and
 * the refusal (a PayreqError, rethrown) with its error when it is refused.
 */
export const auditedChange = async <T>(
  core: Core,
  input: {
    operation: string;
    username?: string;
    departmentUuid?: string;
    requestBody?: unknown;
    /** What a refusal names (the success's `touched` comes from `answer`). */
    touched?: Entry["touched"];
  },
  change: () => Promise<T>,
  answer: (value: T) => { response: Record<string, unknown>; touched?: Entry["touched"] },
): Promise<T> => {
  const entry = {
    meta: {
      requestId: core.ids.next(),
      transport: "cli" as const,
      operation: input.operation,
      receivedAt: core.clock.now(),
    },
    username: input.username,
    departmentUuid: input.departmentUuid,
    requestBody: input.requestBody,
  };
  try {
    const value = await change();
    const { response, touched } = answer(value);
    await recordCall(core.deps, { entry: { ...entry, status: 200, response, touched } });
    return value;
  } catch (error) {
    if (error instanceof PayreqError) {
      await recordCall(core.deps, {
        entry: {
          ...entry,
          status: error.status,
          response: { errors: [error.item], warnings: [] },
          touched: input.touched,
        },
      });
    }
    throw error;
  }
};
