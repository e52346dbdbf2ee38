// Must not compile: a misspelled input field, a misspelled output field, and a type used as a value (the
// package exports no schemas).
import { createPayreqClient, SendPaymentRequestInput } from "@payreq/client";

const payreq = createPayreqClient({ url: "http://127.0.0.1:3000", username: "u", password: "p" });

export const send = async () => {
  const result = await payreq.paymentRequests.send.mutate({
    departmentUuid: "de9a0000-0000-4000-8000-000000000001",
    amount: 12.5,
    orderNumber: "RO-1",
    orderType: "RO",
    customerUuid: "c0570000-0000-4000-8000-000000000001",
    sendAsTxt: true,
  });
  return result.paymentURL;
};

export const validate = (input: unknown) => SendPaymentRequestInput.parse(input);
