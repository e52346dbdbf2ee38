/**
 * The error and warning catalog. Codes 100001–100024 and 150000 are the payments platform's; codes this
 * service adds use 109001–109099 (errors) and 159001–159099 (warnings) so they can never collide.
 */
export type CatalogEntry = {
  readonly code: number;
  readonly title: string;
  readonly message: string;
  readonly description: string;
  readonly status: number;
};

const entry = (
  code: number,
  title: string,
  status: number,
  message: string,
  description: string,
): CatalogEntry => ({
  code,
  title,
  status,
  message,
  description,
});

export const ERRORS = {
  NULL_CREDENTIALS: entry(
    100001,
    "NULL_CREDENTIALS",
    401,
    "Auth credentials are empty or null",
    "Send HTTP Basic credentials: Authorization: Basic base64(username:password).",
  ),
  ACCESS_FORBIDDEN: entry(
    100002,
    "ACCESS_FORBIDDEN",
    403,
    "Access Forbidden!!",
    "The credential may not perform this call.",
  ),
  WRONG_CREDENTIAL: entry(
    100003,
    "WRONG_CREDENTIAL",
    401,
    "Authorization refused for provided credentials. Wrong username and password.",
    "The username or password is wrong, or the credential is disabled.",
  ),
  REQUEST_NOT_AUTHORIZED: entry(
    100004,
    "REQUEST_NOT_AUTHORIZED",
    403,
    "Authentication passed but Authorization failed.",
    "The credential is valid but holds no grant for this call.",
  ),
  INTERNAL_SERVER_EXCEPTION: entry(
    100005,
    "INTERNAL_SERVER_EXCEPTION",
    500,
    "Something went wrong on our side",
    "An unexpected error occurred. Quote the request id when reporting it; retrying with the same Idempotency-Key is safe.",
  ),
  INVALID_REQUEST_DATA: entry(
    100006,
    "INVALID_REQUEST_DATA",
    400,
    "Incorrect data sent in request",
    "A field of the request is missing, malformed or out of range.",
  ),
  INTERNAL_SERVER_ERROR: entry(
    100007,
    "INTERNAL_SERVER_ERROR",
    500,
    "Internal Server Error",
    "An unexpected error occurred.",
  ),
  ACCESS_FORBIDDEN_INVALID_PARTNER: entry(
    100008,
    "ACCESS_FORBIDDEN_INVALID_PARTNER",
    403,
    "Invalid partner, Access Forbidden!!",
    "The partner is not allowed to use this API.",
  ),
  ACCESS_FORBIDDEN_INVALID_PARTNER_LEGACY: entry(
    100009,
    "ACCESS_FORBIDDEN_INVALID_PARTNER",
    403,
    "Invalid partner, Access Forbidden!!",
    "The partner is not allowed to use this API (legacy duplicate of 100008).",
  ),
  INVALID_DEALER_TOKEN: entry(
    100010,
    "INVALID_DEALER_TOKEN",
    400,
    "Invalid dealer token",
    "dealerUuid is not the dealer of the department in the path.",
  ),
  INVALID_SCOPE_DEALER: entry(
    100011,
    "INVALID_SCOPE_DEALER",
    403,
    "No api scope dealer token",
    "The credential holds no grant for this dealer.",
  ),
  EMPTY_REQUEST_UUIDS: entry(
    100012,
    "EMPTY_REQUEST_UUIDS",
    400,
    "RequestUUIDList is Empty",
    "A list of uuids was empty.",
  ),
  INVALID_DEPARTMENT_TOKEN: entry(
    100013,
    "INVALID_DEPARTMENT_TOKEN",
    404,
    "Invalid department token",
    "No department with this departmentUuid exists.",
  ),
  INVALID_SCOPE_DEPARTMENT: entry(
    100014,
    "INVALID_SCOPE_DEPARTMENT",
    403,
    "No api scope for department token",
    "The credential does not hold the required scope for this department.",
  ),
  ACH_PROVIDER_NOT_CONFIGURED: entry(
    100015,
    "ACH_PROVIDER_NOT_CONFIGURED",
    400,
    "No ACHProvider is configured",
    "The dealer has no ACH provider.",
  ),
  ERROR_WHILE_CREATE_ACH_CUSTOMER: entry(
    100016,
    "ERROR_WHILE_CREATE_ACH_CUSTOMER",
    502,
    "ACH customer creation failed",
    "The ACH provider refused to create the customer.",
  ),
  ERROR_WHILE_FETCHING_ACH_CUSTOMER: entry(
    100017,
    "ERROR_WHILE_FETCHING_ACH_CUSTOMER",
    502,
    "ACH customer fetching failed",
    "The ACH provider could not return the customer.",
  ),
  ERROR_WHILE_FETCHING_ACH_CUSTOMER_BANKDETAILS: entry(
    100018,
    "ERROR_WHILE_FETCHING_ACH_CUSTOMER_BANKDETAILS",
    502,
    "Error while fetching customer bank details",
    "The ACH provider could not return the bank details.",
  ),
  ERROR_FETCHING_BUSINESSTYPES: entry(
    100019,
    "ERROR_FETCHING_BUSINESSTYPES",
    502,
    "Error while fetching business types",
    "The ACH provider could not return the business types.",
  ),
  ERROR_WHILE_FETCHING_LINK_TOKEN: entry(
    100020,
    "ERROR_WHILE_FETCHING_LINK_TOKEN",
    502,
    "Error while fetching link token",
    "The ACH provider could not issue a link token.",
  ),
  ERROR_WHILE_ATTCHING_FUNDING_RESOURCE: entry(
    100021,
    "ERROR_WHILE_ATTCHING_FUNDING_RESOURCE",
    502,
    "Error while attaching funding resource",
    "The ACH provider could not attach the funding resource.",
  ),
  ERROR_WHILE_SAVING_FUNDING_RESOURCE: entry(
    100022,
    "ERROR_WHILE_SAVING_FUNDING_RESOURCE",
    502,
    "Error while saving funding resource",
    "The ACH provider could not save the funding resource.",
  ),
  ERROR_WHILE_VERIFYING_FUNDING_RESOURCE: entry(
    100023,
    "ERROR_WHILE_VERIFYING_FUNDING_RESOURCE",
    502,
    "Error while verifying funding resource",
    "The ACH provider could not verify the funding resource.",
  ),
  ERROR_WHILE_FETCHING_BALANCE: entry(
    100024,
    "ERROR_WHILE_FETCHING_BALANCE",
    502,
    "Error while fecthing account balance",
    "The ACH provider could not return the balance.",
  ),

  IDEMPOTENCY_KEY_REUSED: entry(
    109001,
    "IDEMPOTENCY_KEY_REUSED",
    422,
    "Idempotency-Key was already used with a different request",
    "Send the original request again with this key, or use a new key for a new request.",
  ),
  IDEMPOTENCY_KEY_IN_USE: entry(
    109002,
    "IDEMPOTENCY_KEY_IN_USE",
    409,
    "A request with this Idempotency-Key is still being processed",
    "Wait for the time given in Retry-After and send the same request again with the same key.",
  ),
  TOO_MANY_ATTEMPTS: entry(
    109003,
    "TOO_MANY_ATTEMPTS",
    429,
    "Too many failed attempts",
    "Too many failed authentication attempts for this username or address; wait for the time given in Retry-After.",
  ),
  PAYLOAD_TOO_LARGE: entry(
    109004,
    "PAYLOAD_TOO_LARGE",
    413,
    "Request body too large",
    "The request body must be at most 65536 bytes.",
  ),
  UNSUPPORTED_MEDIA_TYPE: entry(
    109005,
    "UNSUPPORTED_MEDIA_TYPE",
    415,
    "Unsupported media type",
    "Send the body as JSON with Content-Type: application/json.",
  ),
  INVALID_IDEMPOTENCY_KEY: entry(
    109006,
    "INVALID_IDEMPOTENCY_KEY",
    400,
    "Invalid Idempotency-Key",
    "Idempotency-Key must be 1-255 printable ASCII characters.",
  ),
  NOT_FOUND: entry(109007, "NOT_FOUND", 404, "No such resource", "Check the method and path of the request."),
  METHOD_NOT_ALLOWED: entry(
    109008,
    "METHOD_NOT_ALLOWED",
    405,
    "Method not allowed",
    "This path does not accept this method.",
  ),
  SERVICE_BUSY: entry(
    109009,
    "SERVICE_BUSY",
    503,
    "The service is busy",
    "The service could not take this call now; retry after the time given in Retry-After with the same Idempotency-Key.",
  ),
  ORDER_NOT_FOUND: entry(
    109010,
    "ORDER_NOT_FOUND",
    400,
    "Order not found",
    "orderUuid names no order of this department.",
  ),
  ORDER_MISMATCH: entry(
    109011,
    "ORDER_MISMATCH",
    400,
    "Order does not match",
    "orderNumber or orderType differs from the order named by orderUuid.",
  ),
  CUSTOMER_NOT_FOUND: entry(
    109012,
    "CUSTOMER_NOT_FOUND",
    400,
    "Customer not found",
    "customerUuid names no customer of this department's dealer.",
  ),
  CUSTOMER_MISMATCH: entry(
    109013,
    "CUSTOMER_MISMATCH",
    400,
    "Customer does not match the order",
    "customerUuid is not the customer of the order.",
  ),
  DEALER_ASSOCIATE_NOT_FOUND: entry(
    109014,
    "DEALER_ASSOCIATE_NOT_FOUND",
    400,
    "Dealer associate not found",
    "A dealerAssociate identifier names no associate of this department.",
  ),
  AUDIT_RECORD_NOT_FOUND: entry(
    109015,
    "AUDIT_RECORD_NOT_FOUND",
    404,
    "Audit record not found",
    "No audit record with this request id is visible to the credential.",
  ),
  INVOICE_NOT_FOUND: entry(
    109016,
    "INVOICE_NOT_FOUND",
    404,
    "Invoice not found",
    "No invoice with this guid in this department.",
  ),
  HEADERS_TOO_LARGE: entry(
    109017,
    "HEADERS_TOO_LARGE",
    431,
    "Request headers too large",
    "The request's headers exceed the server's limit (16 KiB).",
  ),
  MALFORMED_HTTP_REQUEST: entry(
    109018,
    "MALFORMED_HTTP_REQUEST",
    400,
    "Malformed HTTP request",
    "The request could not be read as HTTP/1.1: check Content-Length and Transfer-Encoding.",
  ),
  DEALER_ORDER_NOT_FOUND: entry(
    109019,
    "DEALER_ORDER_NOT_FOUND",
    404,
    "Dealer order not found",
    "No order of this department has this uuid, or this orderType and orderNumber.",
  ),
  UPSTREAM_UNAVAILABLE: entry(
    109020,
    "UPSTREAM_UNAVAILABLE",
    502,
    "The payments platform failed",
    "A call to the payments platform failed; the step that failed is named in errorDescription. Retry with the same Idempotency-Key.",
  ),
  UPSTREAM_TIMEOUT: entry(
    109021,
    "UPSTREAM_TIMEOUT",
    504,
    "The payments platform timed out",
    "A call to the payments platform did not answer in time; retry with the same Idempotency-Key.",
  ),
  UPSTREAM_CIRCUIT_OPEN: entry(
    109022,
    "UPSTREAM_CIRCUIT_OPEN",
    502,
    "The payments platform is unavailable",
    "Recent calls to the payments platform failed, so this call was not attempted; retry later with the same Idempotency-Key.",
  ),
  UPSTREAM_REJECTED: entry(
    109023,
    "UPSTREAM_REJECTED",
    502,
    "The payments platform rejected a call",
    "The payments platform answered with an error; its errors are passed on in errorDescription.",
  ),
  REQUEST_TIMEOUT: entry(
    109024,
    "REQUEST_TIMEOUT",
    408,
    "Request not received in time",
    "The request's headers or body did not arrive within the server's time limit; send the whole request promptly.",
  ),
  TOO_MANY_CONNECTIONS: entry(
    109025,
    "TOO_MANY_CONNECTIONS",
    503,
    "Too many open connections",
    "The service holds as many connections as it allows; retry after the time given in Retry-After on a new connection.",
  ),
  STORE_UNAVAILABLE: entry(
    109026,
    "STORE_UNAVAILABLE",
    503,
    "The database is unavailable",
    "The service could not reach its database; retry after the time given in Retry-After with the same Idempotency-Key.",
  ),
  INVOICE_CANCELLED: entry(
    109027,
    "INVOICE_CANCELLED",
    409,
    "The invoice is cancelled",
    "A cancelled (voided) invoice takes no payment and no refund.",
  ),
  INVOICE_ALREADY_PAID: entry(
    109028,
    "INVOICE_ALREADY_PAID",
    409,
    "The invoice is already paid",
    "The invoice already has a payment with another date or amount; record a refund, or send a new payment request for the order.",
  ),
  INVOICE_NOT_PAID: entry(
    109029,
    "INVOICE_NOT_PAID",
    409,
    "The invoice is not paid",
    "A refund needs a recorded payment: record the payment first.",
  ),
} as const satisfies Record<string, CatalogEntry>;

export const WARNINGS = {
  NO_PREFERRED_DEALER_ID: entry(
    150000,
    "NO_PREFERRED_DEALER_ID",
    200,
    "no preferred DealerID",
    "No preferred dealer is set.",
  ),
  TEXT_NO_PHONE: entry(
    159001,
    "TEXT_NOT_SENT_NO_PHONE",
    200,
    "Text not sent: the customer has no phone number",
    "Add a mobile number to the customer to send texts.",
  ),
  TEXT_NOT_OPTED_IN: entry(
    159002,
    "TEXT_NOT_SENT_NOT_OPTED_IN",
    200,
    "Text not sent: the customer has not opted in to texts",
    "Texts are sent only to customers who opted in.",
  ),
  EMAIL_NO_ADDRESS: entry(
    159003,
    "EMAIL_NOT_SENT_NO_EMAIL",
    200,
    "Email not sent: the customer has no email address",
    "Add an email address to the customer to send emails.",
  ),
  TEXT_DELIVERY_FAILED: entry(
    159004,
    "TEXT_DELIVERY_FAILED",
    200,
    "Text not sent: the text provider failed",
    "The payment request exists; send it again later or share the payment URL another way.",
  ),
  EMAIL_DELIVERY_FAILED: entry(
    159005,
    "EMAIL_DELIVERY_FAILED",
    200,
    "Email not sent: the email provider failed",
    "The payment request exists; send it again later or share the payment URL another way.",
  ),
  TEXT_DELIVERY_TIMEOUT: entry(
    159006,
    "TEXT_DELIVERY_TIMEOUT",
    200,
    "Text not confirmed: the text provider timed out",
    "The provider did not answer in time; the text may or may not reach the customer.",
  ),
  EMAIL_DELIVERY_TIMEOUT: entry(
    159007,
    "EMAIL_DELIVERY_TIMEOUT",
    200,
    "Email not confirmed: the email provider timed out",
    "The provider did not answer in time; the email may or may not reach the customer.",
  ),
  DELIVERY_NOT_REPEATED: entry(
    159008,
    "DELIVERY_NOT_REPEATED",
    200,
    "Message not sent again: an earlier attempt with this Idempotency-Key may already have sent it",
    "To avoid texting or emailing the customer twice, a retry never re-sends a message that may have left.",
  ),
  TEXT_INVALID_PHONE: entry(
    159009,
    "TEXT_NOT_SENT_INVALID_PHONE",
    200,
    "Text not sent: the customer's phone number is not a valid E.164 number",
    "Correct the customer's phone number.",
  ),
  OPEN_INVOICE_AMOUNT_UPDATED: entry(
    159010,
    "OPEN_INVOICE_AMOUNT_UPDATED",
    200,
    "The open invoice's amount was updated",
    "The order's open invoice was reused and its amount changed; every earlier payment URL of this invoice now asks for the new amount.",
  ),
} as const satisfies Record<string, CatalogEntry>;

export type ErrorName = keyof typeof ERRORS;
export type WarningName = keyof typeof WARNINGS;

export const ERROR_CATALOG: readonly CatalogEntry[] = Object.values(ERRORS);
export const WARNING_CATALOG: readonly CatalogEntry[] = Object.values(WARNINGS);

export const findErrorEntry = (code: number): CatalogEntry | undefined =>
  ERROR_CATALOG.find((e) => e.code === code);

export const errorNameOf = (code: number): ErrorName | undefined =>
  (Object.keys(ERRORS) as ErrorName[]).find((name) => ERRORS[name].code === code);
