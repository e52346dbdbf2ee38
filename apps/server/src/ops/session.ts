import { randomBytes } from "node:crypto";
import type { Clock, Principal } from "@payreq/core";
import type { Context } from "hono";
import { deleteCookie, getCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import * as z from "zod";

export const SESSION_COOKIE = "payreq_ops";
export const CONSOLE_PATH = "/ops";
export const SESSION_TTL_MS = 8 * 3600_000;

const SessionPayload = z.strictObject({
  sid: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  userId: z.int().positive(),
  username: z.string().min(1).max(64),
  authVersion: z.int().nonnegative(),
  expiresAt: z.int().positive(),
});
export type Session = z.infer<typeof SessionPayload>;

export type SessionRead =
  | { kind: "none" }
  | { kind: "invalid" }
  | { kind: "expired"; session: Session }
  | { kind: "valid"; session: Session };

export type SessionOptions = {
  clock: Clock;
  /** HMAC key of the cookie's signature; a random one per process unless given. */
  secret?: Uint8Array | undefined;
  /** Mark the cookie Secure whatever the request's scheme (the service sits behind TLS). */
  alwaysSecure?: boolean;
};

const decode = (value: string): Session | undefined => {
  try {
    const parsed = SessionPayload.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Console sessions live in a signed cookie: who signed in, the credential's auth_version then, and when the
 * session ends. The expiry is checked here, not left to the browser. Signing out records the session id until
 * its expiry, so a copied cookie stops working too; that list, like the default key, lasts as long as the
 * process, and a restart ends every session anyway.
 */
export const createSessions = ({ clock, secret = randomBytes(32), alwaysSecure = false }: SessionOptions) => {
  const signedOut = new Map<string, number>();
  const forgetExpired = (now: number) => {
    for (const [sid, expiresAt] of signedOut) if (expiresAt <= now) signedOut.delete(sid);
  };
  const cookieOptions = (c: Context) => ({
    path: CONSOLE_PATH,
    httpOnly: true,
    sameSite: "Strict" as const,
    secure: alwaysSecure || new URL(c.req.url).protocol === "https:",
  });

  return {
    async start(c: Context, principal: Principal): Promise<Session> {
      const session: Session = {
        sid: randomBytes(16).toString("base64url"),
        userId: principal.userId,
        username: principal.username,
        authVersion: principal.authVersion,
        expiresAt: clock.now() + SESSION_TTL_MS,
      };
      const value = Buffer.from(JSON.stringify(session)).toString("base64url");
      await setSignedCookie(c, SESSION_COOKIE, value, secret, {
        ...cookieOptions(c),
        maxAge: SESSION_TTL_MS / 1000,
      });
      return session;
    },

    async read(c: Context): Promise<SessionRead> {
      const value = await getSignedCookie(c, secret, SESSION_COOKIE);
      // Hono reads an unsigned value as no cookie at all; for us it is a cookie that fails its check.
      if (value === undefined)
        return getCookie(c, SESSION_COOKIE) === undefined ? { kind: "none" } : { kind: "invalid" };
      const session = value === false ? undefined : decode(value);
      if (!session || signedOut.has(session.sid)) return { kind: "invalid" };
      if (session.expiresAt <= clock.now()) return { kind: "expired", session };
      return { kind: "valid", session };
    },

    end(c: Context, session?: Session): void {
      const now = clock.now();
      forgetExpired(now);
      if (session && session.expiresAt > now) signedOut.set(session.sid, session.expiresAt);
      deleteCookie(c, SESSION_COOKIE, cookieOptions(c));
    },
  };
};

export type Sessions = ReturnType<typeof createSessions>;
