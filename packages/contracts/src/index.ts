export * from "./audit.ts";
export * from "./catalog.ts";
export * from "./envelope.ts";
export * from "./identifier.ts";
export * from "./scopes.ts";
export * from "./send-payment-request.ts";
export * from "./send-payment-request-response.ts";
export * from "./validation-errors.ts";
