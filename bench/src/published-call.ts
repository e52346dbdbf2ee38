/** The call every benchmark makes: Send Payment Request at the demo's Sunrise department, the published body. */
export const SEND_PATH =
  "/payment/aggregator/v1/departments/de9a0000-0000-4000-8000-000000000001/payment-requests";

/** The demo customer with a phone and an email who accepts texts (the same uuid in every seeded database). */
export const DEMO_CUSTOMER = "c0570000-0000-4000-8000-000000000001";

/** The published example body, both channels on; call `n` gets an order number of its own. */
export const publishedBody =
  (customerUuid: string = DEMO_CUSTOMER, orderPrefix = "RO-BENCH") =>
  (n: number): string =>
    JSON.stringify({
      amount: 125.5,
      description: "Brake pads and rotors",
      refundedAmount: 0,
      paidDate: "2025-03-28T11:34:46.520Z",
      fileName: "invoice.pdf",
      paymentDeclines: "none",
      invoiceAttributes: { vin: "1HGCM82633A004352" },
      customerUuid,
      attachInvoice: true,
      esignInvoice: false,
      sendAsText: true,
      sendAsEmail: true,
      orderNumber: `${orderPrefix}-${n}`,
      orderType: "RO",
    });
