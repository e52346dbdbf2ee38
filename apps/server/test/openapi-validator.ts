import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON document
export type OpenApiDocument = Record<string, any>;

const DOCUMENT_ID = "https://payreq.test/openapi.json";

/**
 * Checks bodies against the schemas an OpenAPI 3.1 document gives them, with Ajv (JSON Schema 2020-12, the
 * dialect of 3.1): an implementation independent of zod, which generated the schemas.
 */
export const createDocumentValidator = (document: OpenApiDocument) => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat("int32", {
    type: "number",
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  // The whole document as one resource, so that its "#/components/schemas/…" references resolve inside it.
  ajv.addSchema({ ...document, $id: DOCUMENT_ID });

  const validate = (schema: { $ref?: string }, value: unknown): string[] => {
    const check = ajv.compile(
      schema.$ref?.startsWith("#") ? { $ref: `${DOCUMENT_ID}${schema.$ref}` } : schema,
    );
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
  };

  /** What is wrong with a JSON body for the response the document gives this operation and status. */
  const checkResponse = (path: string, method: string, status: number, body: unknown): string[] => {
    const response = document.paths[path]?.[method]?.responses?.[String(status)];
    if (!response) return [`${method.toUpperCase()} ${path} documents no ${status}`];
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return [`${method.toUpperCase()} ${path} ${status} has no JSON schema`];
    return validate(schema, body);
  };

  return { validate, checkResponse };
};
