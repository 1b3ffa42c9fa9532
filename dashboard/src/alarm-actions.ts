import type { AlarmsResponse, News2Summary } from "../../core/api-types.js";

/** Body of POST /api/beds/:bed/observations. Who entered it is the signed-in user, told by the session. */
export interface ObservationEntry {
  rr?: number | null;
  sbp?: number | null;
  consciousness?: "A" | "C" | "V" | "P" | "U" | null;
  on_oxygen?: boolean | null;
  spo2_scale?: 1 | 2;
}

type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * The dashboard's writes to the gateway (acknowledge, audio pause, NEWS2 observations) and the alarm log
 * read. Each call resolves with the gateway's answer; the screen itself changes only with the live
 * updates that follow, so the gateway stays the single source of truth.
 */
/** GET /api/notifications: the remote-notification outbox and its dead letters. */
export interface NotificationsStatus {
  enabled: boolean;
  pending: number;
  dead: number;
  dead_letters: DeadLetterView[];
}

export interface DeadLetterView {
  id: number;
  channel: string;
  recipient: string;
  title: string;
  attempts: number;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export class AlarmActions {
  /** The session's CSRF token, sent with every change (GET /api/session). */
  csrf: string | undefined;

  constructor(
    protected readonly apiBase: string,
    private readonly fetchFn: FetchLike = (u, i) => fetch(u, i),
  ) {}

  acknowledge(alarmId: string): Promise<{ acknowledged: string }> {
    return this.post(`api/alarms/${encodeURIComponent(alarmId)}/ack`, {});
  }

  acknowledgeNotice(noticeId: string): Promise<{ acknowledged: string }> {
    return this.post(`api/notices/${encodeURIComponent(noticeId)}/ack`, {});
  }

  pause(bed: string, durationS?: number): Promise<{ bed: string; paused_until: number | null }> {
    return this.post(
      `api/beds/${encodeURIComponent(bed)}/pause`,
      durationS === undefined ? {} : { duration_s: durationS },
    );
  }

  /** GET /api/beds/:bed/limits: the profile, limits, delays and audit trail in force. */
  limits<T>(bed: string): Promise<T> {
    return this.send(new URL(`api/beds/${encodeURIComponent(bed)}/limits`, this.apiBase).toString(), {
      method: "GET",
    });
  }

  setLimits(bed: string, change: object): Promise<unknown> {
    return this.send(new URL(`api/beds/${encodeURIComponent(bed)}/limits`, this.apiBase).toString(), {
      method: "PUT",
      headers: { "content-type": "application/json", ...(this.csrf ? { "x-csrf-token": this.csrf } : {}) },
      body: JSON.stringify({ ...change }),
    });
  }

  observe(bed: string, entry: ObservationEntry): Promise<News2Summary> {
    return this.post(`api/beds/${encodeURIComponent(bed)}/observations`, { ...entry });
  }

  history(limit = 200): Promise<AlarmsResponse> {
    const url = new URL("api/alarms", this.apiBase);
    url.searchParams.set("state", "all");
    url.searchParams.set("limit", String(limit));
    return this.send(url.toString(), { method: "GET" });
  }

  notifications(): Promise<NotificationsStatus> {
    return this.send(new URL("api/notifications", this.apiBase).toString(), { method: "GET" });
  }

  requeue(deliveryId: number): Promise<{ requeued: number }> {
    return this.post(`api/notifications/${deliveryId}/requeue`, {});
  }

  protected post<T>(path: string, body: object): Promise<T> {
    return this.send(new URL(path, this.apiBase).toString(), {
      method: "POST",
      headers: { "content-type": "application/json", ...(this.csrf ? { "x-csrf-token": this.csrf } : {}) },
      body: JSON.stringify(body),
    });
  }

  protected async send<T>(url: string, init: RequestInit): Promise<T> {
    const res = await this.fetchFn(url, init);
    const text = await res.text();
    let body: unknown = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: reported below by status */
    }
    if (!res.ok) {
      const message = (body as { message?: unknown } | null)?.message;
      throw new Error(typeof message === "string" ? message : `HTTP ${res.status}`);
    }
    return body as T;
  }
}
