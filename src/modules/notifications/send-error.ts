/**
 * How a failed delivery attempt ended, which decides what the dispatcher does next:
 * - retryable: the provider certainly did not take the message (connection refused, DNS,
 *   HTTP 429/5xx, SMTP 4xx): back to pending with a backoff.
 * - permanent: the provider refused this message for good (HTTP 4xx, SMTP 5xx on the
 *   recipient or content): failed, never retried.
 * - unknown: the request may have been delivered (a timeout or a connection lost while
 *   waiting for the answer): failed, not retried, so a message is never sent twice.
 */
export type SendFailureKind = 'retryable' | 'permanent' | 'unknown';

export class SendError extends Error {
  constructor(
    readonly kind: SendFailureKind,
    /** Short, personal-data-free description (status codes, error codes) for logs and last_error. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
    this.name = 'SendError';
  }
}

