import type { Channel } from "../domain/delivery.ts";
import type { Metrics } from "../ports/metrics.ts";
import type { Notifier, Receipt } from "../ports/notifier.ts";

const observed =
  <M>(
    metrics: Metrics,
    channel: Channel,
    provider: string,
    send: (message: M, signal: AbortSignal) => Promise<Receipt>,
  ) =>
  async (message: M, signal: AbortSignal): Promise<Receipt> => {
    try {
      const receipt = await send(message, signal);
      // A provider that answers after the delivery timeout was reported as FAILURE: count what the caller saw.
      metrics.delivery(channel, provider, signal.aborted ? "FAILURE" : "SUCCESS");
      return receipt;
    } catch (error) {
      metrics.delivery(channel, provider, "FAILURE");
      throw error;
    }
  };

/**
 * The notifier with each hand-over counted by channel, provider and result. A wrapper rather than calls in the
 * delivery step, so every path that delivers (the send path, the v4 endpoint) is counted the same way. The
 * provider label is the configured one (`providers`), never a value a provider answered with.
 */
export const observeNotifier = (notifier: Notifier, metrics: Metrics): Notifier => ({
  ...notifier,
  sendText: observed(metrics, "text", notifier.providers?.text ?? "unknown", (m, s) =>
    notifier.sendText(m, s),
  ),
  sendEmail: observed(metrics, "email", notifier.providers?.email ?? "unknown", (m, s) =>
    notifier.sendEmail(m, s),
  ),
});
