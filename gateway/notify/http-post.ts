import { DeliveryError, failureForStatus, parseRetryAfter } from "./notifier.js";

export type FetchLike = typeof fetch;

export interface HttpPostRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  now: number;
}

const MAX_DETAIL = 300;

/**
 * One POST with a time-out, classified: resolves with the parsed JSON body (or null) on 2xx, throws
 * DeliveryError otherwise. The time-out uses setTimeout (not AbortSignal.timeout) so fake timers drive it.
 */
export async function httpPost(fetchImpl: FetchLike, req: HttpPostRequest): Promise<unknown> {
  const ac = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort();
  }, req.timeoutMs);
  try {
    let res: Response;
    try {
      // No redirects: an API endpoint that moves is a configuration error, and following it would hand
      // the credentials to wherever it points.
      res = await fetchImpl(req.url, {
        method: "POST",
        headers: req.headers,
        body: req.body,
        signal: ac.signal,
        redirect: "manual",
      });
    } catch (e) {
      if (timedOut) throw new DeliveryError(`no response within ${req.timeoutMs} ms`, false);
      throw new DeliveryError(`network error: ${networkReason(e)}`, false);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (timedOut) throw new DeliveryError(`response not complete within ${req.timeoutMs} ms`, false);
      throw new DeliveryError(`network error reading the response: ${networkReason(e)}`, false);
    }
    if (res.status >= 200 && res.status < 300) {
      try {
        return text === "" ? null : (JSON.parse(text) as unknown);
      } catch {
        return null;
      }
    }
    throw failureForStatus(
      res.status,
      text.slice(0, MAX_DETAIL).replace(/\s+/g, " "),
      parseRetryAfter(res.headers.get("retry-after"), req.now),
    );
  } finally {
    clearTimeout(timer);
  }
}

function networkReason(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
