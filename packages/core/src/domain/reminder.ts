export const REMINDER_STATUSES = [
  "PENDING",
  "CLAIMED",
  "SENDING",
  "SENT",
  "SKIPPED",
  "SUPERSEDED",
  "UNCERTAIN",
] as const;

export type ReminderStatus = (typeof REMINDER_STATUSES)[number];
