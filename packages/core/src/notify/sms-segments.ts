/** The GSM 03.38 basic character set (and its extension table, whose characters count twice). */
const GSM_BASIC =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";

export type SmsSize = { encoding: "GSM-7" | "UCS-2"; length: number; segments: number };

/** How long a text is in its encoding's units, and how many SMS segments carry it (160/153 GSM-7, 70/67 UCS-2). */
export const smsSize = (body: string): SmsSize => {
  let units = 0;
  for (const ch of body) {
    if (GSM_BASIC.includes(ch)) units += 1;
    else if (GSM_EXTENDED.includes(ch)) units += 2;
    else {
      const length = [...body].reduce((n, c) => n + (c.codePointAt(0)! > 0xffff ? 2 : 1), 0);
      return { encoding: "UCS-2", length, segments: length <= 70 ? 1 : Math.ceil(length / 67) };
    }
  }
  return { encoding: "GSM-7", length: units, segments: units <= 160 ? 1 : Math.ceil(units / 153) };
};

/** E.164: a plus sign and 2 to 15 digits, the first not zero. Spaces, dots, dashes and brackets are dropped first. */
export const toE164 = (phone: string): string | undefined => {
  const compact = phone.replace(/[\s().-]/g, "");
  return /^\+[1-9]\d{1,14}$/.test(compact) ? compact : undefined;
};
