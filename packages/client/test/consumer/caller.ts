// An app in another repository: it installs the packed @payreq/client from npm and nothing of the monorepo.
import {
  type AuditListResponse,
  type AuditRecord,
  type AuditStatsResponse,
  createPayreqClient,
  ERRORS,
  isPayreqError,
  type PayreqClientError,
  retryAdvice,
  type SendPaymentRequestInput,
  type SendPaymentRequestResponse,
} from "@payreq/client";

export type Credential = { username: string; password: string };

export type Config = {
  url: string;
  sender: Credential;
  ops: Credential;
  departmentUuid: string;
  customerUuid: string;
  orderNumber: string;
};

const refusalOf = (error: PayreqClientError) => ({
  httpStatus: error.data?.httpStatus,
  errorCode: error.data?.errorCode,
  errorTitle: error.data?.errors[0]?.errorTitle,
  errorDescription: error.data?.errors[0]?.errorDescription,
  advice: retryAdvice(error),
});

const refusal = async (call: Promise<unknown>) => {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (!isPayreqError(error)) throw error;
    return refusalOf(error);
  }
};

export const run = async (config: Config) => {
  const payreq = createPayreqClient({ url: config.url, ...config.sender });
  const input: SendPaymentRequestInput = {
    departmentUuid: config.departmentUuid,
    idempotencyKey: `${config.orderNumber}-key`,
    amount: 42.5,
    orderNumber: config.orderNumber,
    orderType: "RO",
    customerUuid: config.customerUuid,
    sendAsText: true,
  };
  const sent: SendPaymentRequestResponse = await payreq.paymentRequests.send.mutate(input);
  const replayed = await payreq.paymentRequests.send.mutate(input);
  const textSent: "SUCCESS" | "FAILURE" | undefined = sent.textSent;

  const invalid = await refusal(
    payreq.paymentRequests.send.mutate({ ...input, idempotencyKey: undefined, amount: 10.005 }),
  );
  const reusedKey = await refusal(payreq.paymentRequests.send.mutate({ ...input, amount: 43 }));
  const wrongPassword = await refusal(
    createPayreqClient({
      url: config.url,
      username: config.sender.username,
      password: "not-the-password",
    }).paymentRequests.send.mutate(input),
  );
  const unreachable = await refusal(
    createPayreqClient({ url: "http://127.0.0.1:9", ...config.sender }).paymentRequests.send.mutate(input),
  );

  const ops = createPayreqClient({ url: config.url, ...config.ops });
  // The exported types are what the calls deliver: a caller may name them.
  const list: AuditListResponse = await ops.audit.list.query({
    orderNumber: config.orderNumber,
    outcome: "SUCCESS",
    limit: 10,
  });
  const record: AuditRecord = await ops.audit.get.query({ requestId: sent.requestId });
  const stats: AuditStatsResponse = await ops.audit.stats.query({ departmentUuid: config.departmentUuid });
  const forbidden = await refusal(payreq.audit.list.query({}));

  return {
    sent: {
      paymentUrl: sent.paymentUrl,
      textSent,
      requestId: sent.requestId,
      orderCreated: sent.orderCreated,
    },
    replayedSamePaymentRequest: replayed.paymentRequestUuid === sent.paymentRequestUuid,
    invalid,
    reusedKey,
    wrongPassword,
    unreachable,
    forbidden,
    listed: list.records.map((r) => r.requestId),
    nextCursor: list.nextCursor,
    record: { requestId: record.requestId, outcome: record.outcome, timelineSteps: record.timeline.length },
    statsTotal: stats.days.reduce((sum, day) => sum + day.total, 0),
    catalog: { reused: ERRORS.IDEMPOTENCY_KEY_REUSED.code, wrongCredential: ERRORS.WRONG_CREDENTIAL.code },
  };
};
