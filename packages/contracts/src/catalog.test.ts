import { describe, expect, it } from "vitest";
import { ERROR_CATALOG, ERRORS, findErrorEntry, WARNING_CATALOG, WARNINGS } from "./catalog.ts";
import { errorItem, warningItem } from "./envelope.ts";

const ALL = [...ERROR_CATALOG, ...WARNING_CATALOG];

/** The platform's codes (reference/mykaarma-payments-api.md, error-code table). */
const PLATFORM_ERRORS: [number, string, string][] = [
  [100001, "NULL_CREDENTIALS", "Auth credentials are empty or null"],
  [100002, "ACCESS_FORBIDDEN", "Access Forbidden!!"],
  [
    100003,
    "WRONG_CREDENTIAL",
    "Authorization refused for provided credentials. Wrong username and password.",
  ],
  [100004, "REQUEST_NOT_AUTHORIZED", "Authentication passed but Authorization failed."],
  [100005, "INTERNAL_SERVER_EXCEPTION", "Something went wrong on our side"],
  [100006, "INVALID_REQUEST_DATA", "Incorrect data sent in request"],
  [100007, "INTERNAL_SERVER_ERROR", "Internal Server Error"],
  [100008, "ACCESS_FORBIDDEN_INVALID_PARTNER", "Invalid partner, Access Forbidden!!"],
  [100009, "ACCESS_FORBIDDEN_INVALID_PARTNER", "Invalid partner, Access Forbidden!!"],
  [100010, "INVALID_DEALER_TOKEN", "Invalid dealer token"],
  [100011, "INVALID_SCOPE_DEALER", "No api scope dealer token"],
  [100012, "EMPTY_REQUEST_UUIDS", "RequestUUIDList is Empty"],
  [100013, "INVALID_DEPARTMENT_TOKEN", "Invalid department token"],
  [100014, "INVALID_SCOPE_DEPARTMENT", "No api scope for department token"],
  [100015, "ACH_PROVIDER_NOT_CONFIGURED", "No ACHProvider is configured"],
  [100016, "ERROR_WHILE_CREATE_ACH_CUSTOMER", "ACH customer creation failed"],
  [100017, "ERROR_WHILE_FETCHING_ACH_CUSTOMER", "ACH customer fetching failed"],
  [100018, "ERROR_WHILE_FETCHING_ACH_CUSTOMER_BANKDETAILS", "Error while fetching customer bank details"],
  [100019, "ERROR_FETCHING_BUSINESSTYPES", "Error while fetching business types"],
  [100020, "ERROR_WHILE_FETCHING_LINK_TOKEN", "Error while fetching link token"],
  [100021, "ERROR_WHILE_ATTCHING_FUNDING_RESOURCE", "Error while attaching funding resource"],
  [100022, "ERROR_WHILE_SAVING_FUNDING_RESOURCE", "Error while saving funding resource"],
  [100023, "ERROR_WHILE_VERIFYING_FUNDING_RESOURCE", "Error while verifying funding resource"],
  [100024, "ERROR_WHILE_FETCHING_BALANCE", "Error while fecthing account balance"],
];

const isPlatformError = (code: number) => code >= 100001 && code <= 100024;
const isServiceError = (code: number) => code >= 109001 && code <= 109099;
const isServiceWarning = (code: number) => code >= 159001 && code <= 159099;

describe("catalog", () => {
  it("holds every platform error code 100001..100024", () => {
    const codes = ERROR_CATALOG.map((entry) => entry.code);
    for (let code = 100001; code <= 100024; code++) expect(codes).toContain(code);
  });

  it.each(PLATFORM_ERRORS)("has %i as %s with the platform's message", (code, title, message) => {
    expect(findErrorEntry(code)).toMatchObject({ code, title, message });
  });

  it("holds the platform warning 150000 NO_PREFERRED_DEALER_ID", () => {
    expect(WARNING_CATALOG.find((entry) => entry.code === 150000)).toMatchObject({
      title: "NO_PREFERRED_DEALER_ID",
      message: "no preferred DealerID",
    });
  });

  it("has no code twice across errors and warnings", () => {
    const codes = ALL.map((entry) => entry.code);
    const duplicates = codes.filter((code, i) => codes.indexOf(code) !== i);
    expect(duplicates).toEqual([]);
    expect(new Set(codes).size).toBe(ERROR_CATALOG.length + WARNING_CATALOG.length);
  });

  it("keeps this service's errors within 109001-109099", () => {
    const outside = ERROR_CATALOG.filter((e) => !isPlatformError(e.code) && !isServiceError(e.code));
    expect(outside).toEqual([]);
    expect(ERROR_CATALOG.some((e) => isServiceError(e.code))).toBe(true);
  });

  it("keeps this service's warnings within 159001-159099", () => {
    const outside = WARNING_CATALOG.filter((e) => e.code !== 150000 && !isServiceWarning(e.code));
    expect(outside).toEqual([]);
    expect(WARNING_CATALOG.some((e) => isServiceWarning(e.code))).toBe(true);
  });

  it.each(ALL.map((entry) => [entry.code, entry] as const))(
    "%i has title, message, description and status",
    (_code, entry) => {
      expect(Number.isInteger(entry.code)).toBe(true);
      expect(entry.title.trim()).not.toBe("");
      expect(entry.title).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(entry.message.trim()).not.toBe("");
      expect(entry.description.trim()).not.toBe("");
      expect(Number.isInteger(entry.status)).toBe(true);
      expect(entry.status).toBeGreaterThanOrEqual(100);
      expect(entry.status).toBeLessThanOrEqual(599);
    },
  );

  it("gives every error a 4xx or 5xx status and every warning 200", () => {
    expect(ERROR_CATALOG.filter((e) => e.status < 400)).toEqual([]);
    expect(WARNING_CATALOG.filter((e) => e.status !== 200)).toEqual([]);
  });

  it("has 159010 as OPEN_INVOICE_AMOUNT_UPDATED", () => {
    expect(WARNINGS.OPEN_INVOICE_AMOUNT_UPDATED).toMatchObject({
      code: 159010,
      title: "OPEN_INVOICE_AMOUNT_UPDATED",
    });
    expect(WARNING_CATALOG.find((entry) => entry.code === 159010)?.title).toBe("OPEN_INVOICE_AMOUNT_UPDATED");
  });

  it.each([
    [100001, "NULL_CREDENTIALS", 401],
    [100003, "WRONG_CREDENTIAL", 401],
    [100006, "INVALID_REQUEST_DATA", 400],
    [100010, "INVALID_DEALER_TOKEN", 400],
    [100013, "INVALID_DEPARTMENT_TOKEN", 404],
    [100014, "INVALID_SCOPE_DEPARTMENT", 403],
    [109001, "IDEMPOTENCY_KEY_REUSED", 422],
    [109004, "PAYLOAD_TOO_LARGE", 413],
    [109005, "UNSUPPORTED_MEDIA_TYPE", 415],
  ])("gives %i %s the HTTP status %i", (code, title, status) => {
    expect(findErrorEntry(code)).toMatchObject({ title, status });
  });

  it("findErrorEntry finds no warning and no unknown code", () => {
    expect(findErrorEntry(159010)).toBeUndefined();
    expect(findErrorEntry(100025)).toBeUndefined();
  });
});

describe("errorItem / warningItem", () => {
  it("build the wire items from the catalog", () => {
    expect(errorItem("INVALID_SCOPE_DEPARTMENT")).toEqual({
      errorCode: 100014,
      errorTitle: "INVALID_SCOPE_DEPARTMENT",
      errorMessage: "No api scope for department token",
      errorDescription: ERRORS.INVALID_SCOPE_DEPARTMENT.description,
    });
    expect(warningItem("OPEN_INVOICE_AMOUNT_UPDATED")).toEqual({
      warningCode: 159010,
      warningTitle: "OPEN_INVOICE_AMOUNT_UPDATED",
      warningMessage: WARNINGS.OPEN_INVOICE_AMOUNT_UPDATED.message,
      warningDescription: WARNINGS.OPEN_INVOICE_AMOUNT_UPDATED.description,
    });
  });

  it("take a message and description override but keep code and title", () => {
    expect(errorItem("INVALID_REQUEST_DATA", { message: "m", description: "d" })).toEqual({
      errorCode: 100006,
      errorTitle: "INVALID_REQUEST_DATA",
      errorMessage: "m",
      errorDescription: "d",
    });
    expect(warningItem("TEXT_NO_PHONE", { description: "d" })).toMatchObject({
      warningCode: 159001,
      warningMessage: WARNINGS.TEXT_NO_PHONE.message,
      warningDescription: "d",
    });
  });
});
