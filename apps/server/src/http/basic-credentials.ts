export type BasicCredentials = { username: string; password: string };

/**
 * RFC 7617: `Basic base64(user-id ":" password)`, split at the first colon. Anything else (no header, another
 * scheme, bad base64, no colon, an empty user-id) is malformed.
 */
export const parseBasicAuthorization = (header: string | undefined): BasicCredentials | undefined => {
  if (!header) return undefined;
  const match = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
  if (!match?.[1] || match[1].length % 4 !== 0) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  if (decoded.includes("\uFFFD")) return undefined;
  const colon = decoded.indexOf(":");
  if (colon <= 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
};
