/** Masks a phone number to its last two digits: +1 (555) 010-0123 → ********23. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/\D/g, "");
  return digits.length <= 2 ? "**" : `${"*".repeat(digits.length - 2)}${digits.slice(-2)}`;
};

/** Masks an email address to its first character and domain: jane.doe@example.com → j***@example.com. */
export const maskEmail = (email: string): string => {
  const at = email.lastIndexOf("@");
  if (at <= 0) return "***";
  return `${email[0]}***${email.slice(at)}`;
};
