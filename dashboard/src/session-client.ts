/** GET /api/session: who is signed in and what they may do (the gateway decides; this only shows it). */
export interface SessionInfo {
  user: string;
  kind: "user" | "token" | "demo" | "loopback";
  role: string | null;
  permissions: string[];
  /** Sent as X-CSRF-Token with every change made with the session cookie. */
  csrf_token?: string;
  demo: boolean;
  open_nodes: boolean;
}

type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** The gateway answers 503 until an administrator exists; its message says what to run. */
export class SetupRequired extends Error {}

export class SessionClient {
  constructor(
    private readonly base: string,
    private readonly fetchFn: FetchLike = (u, i) => fetch(u, i),
  ) {}

  /** The current session, or null when not signed in. */
  async current(): Promise<SessionInfo | null> {
    const r = await this.fetchFn(new URL("api/session", this.base).toString());
    if (r.status === 401) return null;
    const body = (await r.json().catch(() => null)) as (SessionInfo & { message?: string }) | null;
    if (r.status === 503) throw new SetupRequired(body?.message ?? "the gateway has no administrator yet");
    if (!r.ok || !body) throw new Error(body?.message ?? `HTTP ${r.status}`);
    return body;
  }

  /** Signs in; rejects with the gateway's message (the same for every wrong name or password). */
  async signIn(user: string, password: string): Promise<SessionInfo> {
    const r = await this.fetchFn(new URL("api/login", this.base).toString(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user, password }),
    });
    const body = (await r.json().catch(() => null)) as (SessionInfo & { message?: string }) | null;
    if (r.status === 503) throw new SetupRequired(body?.message ?? "the gateway has no administrator yet");
    if (!r.ok || !body) throw new Error(body?.message ?? `HTTP ${r.status}`);
    return body;
  }

  async signOut(csrf: string | undefined): Promise<void> {
    await this.fetchFn(new URL("api/logout", this.base).toString(), {
      method: "POST",
      headers: { "content-type": "application/json", ...(csrf ? { "x-csrf-token": csrf } : {}) },
      body: "{}",
    });
  }
}

/** What the top bar says about who is signed in. */
export function signedInLabel(s: SessionInfo): string {
  if (s.kind === "demo") return "Demo (signed in automatically on this computer)";
  return `${s.user} · ${s.role ?? ""}`;
}
