import { ANY_DEPARTMENT, Scopes } from "@payreq/contracts";
import { sendForInvoice } from "../api-v4/send-for-invoice.ts";
import { departmentsWithScope, type Principal } from "../auth/principal.ts";
import type { CallMeta } from "../domain/call.ts";
import { PayreqError } from "../domain/errors.ts";
import type { CallDeps } from "../send/call-deps.ts";

type Uncertain = {
  channel: "text" | "email";
  status: string;
  invoiceUuid: string;
  departmentUuid: string;
  attachInvoice: number;
  esignRequired: number;
};

/**
 * A message that may or may not have left (message.uncertain), sent again because an operator decided so: a new
 * payment request for the same invoice on that channel alone, through the send pipeline, as the v4 endpoint
 * sends one. The key is the message's, so a second click replays the first resend instead of texting again. The
 * operator needs only to read the department's audit log; the call is audited under their name.
 */
export const resendUncertainMessage = async (
  deps: CallDeps,
  principal: Principal,
  outboxUuid: string,
  meta: Omit<CallMeta, "idempotencyKey">,
) => {
  const message = await deps.store.sql.get<Uncertain>(
    `select o.channel, o.status, p.invoice_uuid as "invoiceUuid", p.department_uuid as "departmentUuid",
            p.attach_invoice as "attachInvoice", p.esign_required as "esignRequired"
     from outbox o join payment_requests p on p.uuid = o.payment_request_uuid where o.uuid = ?`,
    [outboxUuid],
  );
  const access = departmentsWithScope(principal, Scopes.auditRead);
  const readable = message && (access === ANY_DEPARTMENT || access.includes(message.departmentUuid));
  if (!message || !readable)
    throw new PayreqError("NOT_FOUND", { description: "No such message in your departments." });
  if (message.status !== "UNCERTAIN") {
    throw new PayreqError("INVALID_REQUEST_DATA", {
      message: "Invalid field: message",
      description: "Only a message that may not have been sent (UNCERTAIN) is sent again from the console.",
    });
  }
  const acting: Principal = {
    ...principal,
    grants: [
      ...principal.grants,
      { scope: Scopes.paymentRequestWrite, departmentUuid: message.departmentUuid },
    ],
  };
  return sendForInvoice(
    deps,
    acting,
    message.departmentUuid,
    {
      invoiceGuid: message.invoiceUuid,
      sendAsText: message.channel === "text",
      sendAsEmail: message.channel === "email",
      attachInvoice: message.attachInvoice === 1,
      esignRequired: message.esignRequired === 1,
    },
    { ...meta, idempotencyKey: `resend-${outboxUuid}` },
  );
};
