import { z } from "zod";

const minutes = (n: number) => n * 60_000;

/** `auth` in the gateway config (docs/security.md). */
export const authConfigSchema = z
  .object({
    /**
     * Shared-token lab mode: any node presenting this token may report for any bed. Set it through
     * VITALS_NODE_TOKEN, not the file. Per-node credentials (`vitals nodes add`) are the real thing.
     */
    nodeToken: z.string().min(8).optional(),
    /** Lab mode (`--open-nodes`): nodes need no credential. Shown in /healthz and the dashboard. */
    openNodes: z.boolean().default(false),
    /**
     * The original design's flat JSON (no hello, no credential) is accepted, outside open-nodes mode,
     * only for these beds or peer addresses — and never into a bed a protocol-v1 node owns.
     */
    legacy: z
      .object({
        beds: z.array(z.string().min(1).max(64)).default([]),
        addresses: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .prefault({}),
    /**
     * Demo mode (`vitals demo`): requests from this computer without credentials act as the user
     * "demo" with every permission. Only on a loopback address; the gateway refuses it otherwise.
     */
    demo: z.boolean().default(false),
    /**
     * Serve plain HTTP on a non-loopback address (`--insecure-http`): only behind a reverse proxy that
     * terminates TLS. Without it, such a gateway refuses to start.
     */
    insecureHttp: z.boolean().default(false),
    /** Who may read /metrics without a credential: loopback peers (default), anyone, or nobody. */
    metrics: z.enum(["loopback", "open", "token"]).default("loopback"),
    sessions: z
      .object({
        /** A session unused this long ends (an open live view counts as use). */
        idleMs: z.number().int().min(60_000).default(minutes(30)),
        /** A session ends this long after sign-in whatever happens (a shift). */
        absoluteMs: z
          .number()
          .int()
          .min(60_000)
          .default(minutes(12 * 60)),
      })
      .strict()
      .prefault({}),
    login: z
      .object({
        /** Failed sign-ins in a row for one user name before it is locked out. */
        maxFailures: z.number().int().min(1).default(5),
        /** Failed sign-ins in a row from one address before it is locked out. */
        maxFailuresPerAddress: z.number().int().min(1).default(20),
        lockoutMs: z.number().int().min(1_000).default(minutes(15)),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type AuthConfig = z.infer<typeof authConfigSchema>;
