import { AuditGetQuery, AuditListQuery, Scopes } from "@payreq/contracts";
import {
  auditListExample,
  auditRecordExample,
  sendPaymentRequestExample,
  sendPaymentResponseExample,
} from "./examples.ts";
import {
  departmentParameter,
  idempotencyKeyParameter,
  pathParameter,
  queryParameters,
} from "./parameters.ts";
import { AUTHENTICATED_ERRORS, BODY_ERRORS, errorResponses, jsonResponse } from "./responses.ts";
import { fieldSchema, schemaRef } from "./schemas.ts";

const AUDIT_FILTERS: Record<string, string> = {
  since: "Calls recorded at or after this time",
  until: "Calls recorded before this time",
  errorCode: "The call's first error code",
  limit: "Page size, 50 by default",
  cursor: "The nextCursor of the previous page; pages never skip or repeat a row while new calls arrive",
};

const auditRead = `ApiScope: ${Scopes.auditRead} (on the department, or * for every row). Reads are not audited; refusals are.`;

/** The published endpoint and the audit log, under the /payment base URL. */
export const aggregatorPaths = {
  "/aggregator/v1/departments/{departmentUuid}/payment-requests": {
    post: {
      operationId: "sendPaymentRequest",
      tags: ["Send Payment Request"],
      summary: "Send Payment Request",
      description: `Aggregates 3 endpoints: creates a DealerOrder (if orderUuid is not passed), creates an Invoice (if no open Invoice is present), creates a Payment Request, and sends its URL by text and/or email. ApiScope: ${Scopes.sendPaymentRequest}. API Scope Level: DepartmentScope.`,
      parameters: [departmentParameter, idempotencyKeyParameter],
      requestBody: {
        required: true,
        content: {
          "application/json": {
            schema: schemaRef("SendPaymentRequestBody"),
            example: sendPaymentRequestExample,
          },
        },
      },
      responses: {
        "200": jsonResponse("OK", "SendPaymentRequestResponse", sendPaymentResponseExample, [
          "Idempotent-Replayed",
        ]),
        ...errorResponses([
          ...AUTHENTICATED_ERRORS,
          ...BODY_ERRORS,
          "INVALID_IDEMPOTENCY_KEY",
          "INVALID_DEALER_TOKEN",
          "ORDER_NOT_FOUND",
          "ORDER_MISMATCH",
          "CUSTOMER_NOT_FOUND",
          "CUSTOMER_MISMATCH",
          "DEALER_ASSOCIATE_NOT_FOUND",
          "INVALID_SCOPE_DEPARTMENT",
          "INVALID_DEPARTMENT_TOKEN",
          "METHOD_NOT_ALLOWED",
          "IDEMPOTENCY_KEY_IN_USE",
          "IDEMPOTENCY_KEY_REUSED",
          "UPSTREAM_UNAVAILABLE",
          "UPSTREAM_CIRCUIT_OPEN",
          "UPSTREAM_REJECTED",
          "UPSTREAM_TIMEOUT",
        ]),
      },
    },
  },
  "/aggregator/v1/audit-log": {
    get: {
      operationId: "listAuditRecords",
      tags: ["Audit log"],
      summary: "List audit records, newest first",
      description: `Every filter is optional; filters combine with AND. ${auditRead}`,
      parameters: queryParameters(AuditListQuery, AUDIT_FILTERS),
      responses: {
        "200": jsonResponse("A page of records", "AuditListResponse", auditListExample),
        ...errorResponses([...AUTHENTICATED_ERRORS, "INVALID_REQUEST_DATA", "INVALID_SCOPE_DEPARTMENT"]),
      },
    },
  },
  "/aggregator/v1/audit-log/{requestId}": {
    get: {
      operationId: "getAuditRecord",
      tags: ["Audit log"],
      summary: "One call's audit record, with its bodies and timeline",
      description: auditRead,
      parameters: [
        pathParameter("requestId", fieldSchema(AuditGetQuery.shape.requestId), "The call's request id"),
      ],
      responses: {
        "200": jsonResponse("The record", "AuditRecord", auditRecordExample),
        ...errorResponses([
          ...AUTHENTICATED_ERRORS,
          "INVALID_REQUEST_DATA",
          "INVALID_SCOPE_DEPARTMENT",
          "AUDIT_RECORD_NOT_FOUND",
        ]),
      },
    },
  },
};
