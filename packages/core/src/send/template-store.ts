import type { PayreqDatabase } from "../db/open-database.ts";
import type { Clock } from "../ids.ts";
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

/** Per-dealer wording of the texts and the email, over the defaults. */
export const createTemplateStore = (database: PayreqDatabase, clock: Clock) => {
  const { sqlite } = database;
  const ofDealer = sqlite.prepare("select kind, body from message_templates where dealer_uuid = ?");
  return {
    forDealer(dealerUuid: string): MessageTemplates {
      const own = ofDealer.all(dealerUuid) as { kind: string; body: string }[];
      if (own.length === 0) return DEFAULT_TEMPLATES;
      const templates = { ...DEFAULT_TEMPLATES };
      for (const { kind, body } of own) if (isTemplateKind(kind)) templates[kind] = body;
      return templates;
    },

    /** Refuses a template that lacks the pay link where one is needed, or an unknown dealer or kind. */
    async set(dealerUuid: string, kind: string, body: string): Promise<void> {
      if (!isTemplateKind(kind))
        throw new TemplateError(`unknown template kind ${kind}; kinds: ${TEMPLATE_KINDS.join(", ")}`);
      if (body.trim().length === 0 || body.length > 4000)
        throw new TemplateError("a template must be 1-4000 characters");
      if (requiresPayLink(kind) && !body.includes(PAY_LINK_TAG)) {
        throw new TemplateError(`the ${kind} template must contain the pay link tag ${PAY_LINK_TAG}`);
      }
      const unknown = [...body.matchAll(/\{[A-Za-z]+\}/g)]
        .map((m) => m[0])
        .filter((tag) => !PLACEHOLDERS.includes(tag));
      if (unknown.length > 0) {
        throw new TemplateError(`unknown placeholder ${unknown[0]}; placeholders: ${PLACEHOLDERS.join(" ")}`);
      }
      const dealer = sqlite.prepare("select 1 from dealers where uuid = ?").get(dealerUuid);
      if (!dealer) throw new TemplateError(`no dealer ${dealerUuid}`);
      await database.writes.run(() => {
        sqlite
          .prepare(
            `insert into message_templates (dealer_uuid, kind, body, updated_at) values (?, ?, ?, ?)
             on conflict (dealer_uuid, kind) do update set body = excluded.body, updated_at = excluded.updated_at`,
          )
          .run(dealerUuid, kind, body, clock.now());
      });
    },

    async reset(dealerUuid: string, kind: string): Promise<boolean> {
      if (!isTemplateKind(kind)) throw new TemplateError(`unknown template kind ${kind}`);
      return database.writes.run(
        () =>
          sqlite
            .prepare("delete from message_templates where dealer_uuid = ? and kind = ?")
            .run(dealerUuid, kind).changes > 0,
      );
    },

    /** Every kind for a dealer, with whether it is the dealer's own. */
    list(dealerUuid: string): { kind: TemplateKind; own: boolean; body: string }[] {
      const own = new Map(
        (ofDealer.all(dealerUuid) as { kind: string; body: string }[]).map((r) => [r.kind, r.body]),
      );
      return TEMPLATE_KINDS.map((kind) => ({
        kind,
        own: own.has(kind),
        body: own.get(kind) ?? DEFAULT_TEMPLATES[kind],
      }));
    },
  };
};

export type TemplateStore = ReturnType<typeof createTemplateStore>;
