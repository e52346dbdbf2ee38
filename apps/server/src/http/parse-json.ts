export const MAX_JSON_DEPTH = 32;

export type JsonParse = { ok: true; value: unknown } | { ok: false; message: string; description: string };

const refuse = (message: string, description: string) => ({ ok: false as const, message, description });

type Problem = ReturnType<typeof refuse> & { tooDeep?: boolean };

/**
 * One pass over the text before JSON.parse: nesting depth, and field names repeated within one object (JSON.parse
 * would silently keep the last; other parsers keep the first) or named `__proto__`. It tolerates malformed text;
 * JSON.parse judges that afterwards.
 */
const scan = (text: string): Problem | undefined => {
  const objects: (Set<string> | null)[] = [];
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const keys = objects.at(-1);
      if (keys && expectingKey) {
        let key: string;
        try {
          key = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return undefined;
        }
        if (key === "__proto__")
          return refuse("Field name not allowed: __proto__", "__proto__ is not a field of any request");
        if (keys.has(key))
          return refuse(`Duplicate field: ${key}`, `${key} appears more than once in one object`);
        keys.add(key);
        expectingKey = false;
      }
    } else if (ch === "{" || ch === "[") {
      objects.push(ch === "{" ? new Set() : null);
      expectingKey = ch === "{";
      if (objects.length > MAX_JSON_DEPTH) {
        return {
          ...refuse("The request body nests too deeply", `JSON may nest at most ${MAX_JSON_DEPTH} levels`),
          tooDeep: true,
        };
      }
    } else if (ch === "}" || ch === "]") {
      objects.pop();
    } else if (ch === ",") {
      expectingKey = objects.at(-1) instanceof Set;
    }
  }
  return undefined;
};

/** Strings that cannot be stored as UTF-8 unchanged (an unpaired surrogate) would not read back as sent. */
const findMalformedString = (value: unknown, path: string): string | undefined => {
  if (typeof value === "string") return value.isWellFormed() ? undefined : path || "body";
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    if (!key.isWellFormed()) return childPath;
    const found = findMalformedString(child, childPath);
    if (found) return found;
  }
  return undefined;
};

/** JSON.parse with the checks above; every refusal names what is wrong. */
export const parseJsonStrictly = (text: string): JsonParse => {
  const problem = scan(text);
  // Too deep for JSON.parse to be worth running (it recurses); anything else is judged after it.
  if (problem?.tooDeep) return problem;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return refuse(
      "The request body is not valid JSON",
      error instanceof SyntaxError ? error.message.slice(0, 200) : "The body could not be read as JSON",
    );
  }
  if (problem) return problem;
  const malformed = findMalformedString(value, "");
  if (malformed)
    return refuse(`Invalid field: ${malformed}`, `${malformed} contains an unpaired UTF-16 surrogate`);
  return { ok: true, value };
};
