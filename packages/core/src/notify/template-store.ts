import type { Clock } from "../ports/clock.ts";
import { createReadCache } from "../ports/read-cache.ts";
import type { Sql, Store } from "../ports/store.ts";
import {
  DEFAULT_TEMPLATES,
  type MessageTemplates,
  PAY_LINK_TAG,
  requiresPayLink,
  TEMPLATE_KINDS,
  type TemplateKind,
} from "./templates.ts";

export class TemplateError extends Error {}

const PLACEHOLDERS = [
  "{dealer}",
  "{customer}",
  "{order}",
  "{amount}",
  "{description}",
  "{invoiceLine}",
  "{esignLine}",
];

export const isTemplateKind = (kind: string): kind is TemplateKind =>
  (TEMPLATE_KINDS as readonly string[]).includes(kind);

const ownTemplates = (sql: Sql, dealerUuid: string) =>
  sql.all<{ kind: string; body: string }>("select kind, body from message_templates where dealer_uuid = ?", [
    dealerUuid,
  ]);

/** A dealer's wording of the texts and the email, over the defaults, read on `sql` (a transaction's, or the store's). */
export const templatesOf = async (sql: Sql, dealerUuid: string): Promise<MessageTemplates> => {
  const own = await ownTemplates(sql, dealerUuid);
  if (own.length === 0) return DEFAULT_TEMPLATES;
  const templates = { ...DEFAULT_TEMPLATES };
  for (const { kind, body } of own) if (isTemplateKind(kind)) templates[kind] = body;
  return templates;
};

/**
 * Per-dealer wording of the texts and the email, over the defaults; read through a per-process cache that every
 * process's change empties (see read-cache.ts), this one's at once.
 */
export const createTemplateStore = (store: Store, clock: Clock) => {
  const forDealer = createReadCache(store, (dealerUuid) => templatesOf(store.sql, dealerUuid), {
    tables: ["message_templates"],
  });
  return {
    forDealer: (dealerUuid: string): Promise<MessageTemplates> => forDealer(dealerUuid),

    /** Refuses a template that lacks the pay link where one is needed, or an unknown dealer or kind. */
    async set(dealerUuid: string, kind: string, body: string): Promise<void> {
      if (!isTemplateKind(kind))
        throw new TemplateError(`unknown template kind ${kind}; kinds: ${TEMPLATE_KINDS.join(", ")}`);
      if (body.trim().length === 0 || body.length > 4000)
        throw new TemplateError("a template must be 1-4000 characters");
      if (body.includes("\0")) throw new TemplateError("a template must not contain NUL characters");
      if (requiresPayLink(kind) && !body.includes(PAY_LINK_TAG)) {
        throw new TemplateError(`the ${kind} template must contain the pay link tag ${PAY_LINK_TAG}`);
      }
      const unknown = [...body.matchAll(/\{[A-Za-z]+\}/g)]
        .map((m) => m[0])
        .filter((tag) => !PLACEHOLDERS.includes(tag));
      if (unknown.length > 0) {
        throw new TemplateError(`unknown placeholder ${unknown[0]}; placeholders: ${PLACEHOLDERS.join(" ")}`);
      }
      await store.transaction(async (tx) => {
        const dealer = await tx.get("select 1 as found from dealers where uuid = ?", [dealerUuid]);
        if (!dealer) throw new TemplateError(`no dealer ${dealerUuid}`);
        await tx.run(
          `insert into message_templates (dealer_uuid, kind, body, updated_at) values (?, ?, ?, ?)
           on conflict (dealer_uuid, kind) do update set body = excluded.body, updated_at = excluded.updated_at`,
          [dealerUuid, kind, body, clock.now()],
        );
      });
      forDealer.clear();
    },

    async reset(dealerUuid: string, kind: string): Promise<boolean> {
      if (!isTemplateKind(kind)) throw new TemplateError(`unknown template kind ${kind}`);
      const removed = await store.transaction(
        async (tx) =>
          (
            await tx.run("delete from message_templates where dealer_uuid = ? and kind = ?", [
              dealerUuid,
              kind,
            ])
          ).changes > 0,
      );
      forDealer.clear();
      return removed;
    },

    /** Every kind for a dealer, with whether it is the dealer's own. */
    async list(dealerUuid: string): Promise<{ kind: TemplateKind; own: boolean; body: string }[]> {
      const own = new Map((await ownTemplates(store.sql, dealerUuid)).map((r) => [r.kind, r.body]));
      return TEMPLATE_KINDS.map((kind) => ({
        kind,
        own: own.has(kind),
        body: own.get(kind) ?? DEFAULT_TEMPLATES[kind],
      }));
    },
  };
};

export type TemplateStore = ReturnType<typeof createTemplateStore>;
