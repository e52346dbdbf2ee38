/** Where the SMS provider reports each text's fate (verified by its signature, see rest/provider-callbacks.ts). */
export const SMS_STATUS_PATH = "/payment/webhooks/sms/status";
