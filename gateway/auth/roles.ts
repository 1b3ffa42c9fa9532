/**
 * Who may see and do what: the one table. It drives the HTTP route guards (gateway/auth/http-auth.ts
 * refuses to register a route that is not listed here), the role matrix in docs/security.md (generated
 * by roleMatrixMarkdown() and checked by test/auth/role-table.test.ts) and the black-box matrix test.
 */

export const ROLES = ["viewer", "nurse", "charge", "technician", "admin", "integration"] as const;
export type Role = (typeof ROLES)[number];

/**
 * The loopback demo session's role (`auth.demo`, `vitals demo`): every permission, and it cannot be
 * given to a user or a token.
 */
export const DEMO_ROLE = "demo" as const;
export type PrincipalRole = Role | typeof DEMO_ROLE;

export const PERMISSIONS = {
  "ward.read": "see beds, readings, alarms, the alarm log, limits, NEWS2 and the live feed",
  "alarm.acknowledge": "acknowledge alarms",
  "alarm.pause": "pause a bed's alarm audio",
  "observation.enter": "enter NEWS2 observations",
  "patient.admit": "admit, transfer, put on standby and discharge patients; remove a bed",
  "limits.write": "change a patient's alarm limits, delays and profile",
  "notifications.read": "see the notification outbox and its dead letters (recipients)",
  "notifications.manage": "send dead-lettered notifications again",
  "devices.read": "see the nodes: their beds, links and device clock offsets",
  "devices.manage": "manage devices and node credentials (reserved: `vitals nodes` on the gateway host)",
  "users.manage": "manage users and tokens (reserved: `vitals users`/`vitals tokens` on the gateway host)",
  "config.manage": "change the gateway configuration (reserved: no route yet)",
  "audit.read": "page through the audit log",
  "metrics.read": "read Prometheus metrics (loopback peers may by default, `auth.metrics`)",
  "fhir.read": "read the FHIR API (/fhir/*: metadata, Observation, Patient, Device)",
  "interop.read": "see the HL7/FHIR outbox and its dead letters",
  "interop.manage": "send dead-lettered HL7/FHIR messages again",
} as const;
export type Permission = keyof typeof PERMISSIONS;

const CLINICAL: readonly Permission[] = [
  "ward.read",
  "devices.read",
  "alarm.acknowledge",
  "alarm.pause",
  "observation.enter",
  "patient.admit",
];

/**
 * Not a hierarchy on purpose: each role lists what it holds. The administrator manages accounts and
 * configuration but does not silence alarms or see patients; a person who does both has two accounts.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ["ward.read", "devices.read"],
  nurse: CLINICAL,
  charge: [...CLINICAL, "limits.write", "notifications.read"],
  technician: [
    "devices.read",
    "devices.manage",
    "notifications.read",
    "notifications.manage",
    "interop.read",
    "interop.manage",
    "metrics.read",
  ],
  admin: [
    "users.manage",
    "config.manage",
    "audit.read",
    "notifications.read",
    "interop.read",
    "metrics.read",
  ],
  integration: ["ward.read", "devices.read", "metrics.read", "fhir.read"],
};

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  viewer: "sees the ward",
  nurse: "acknowledges, pauses audio, enters observations, admits/discharges",
  charge: "charge nurse / clinician: also changes limits and profiles",
  technician: "devices, nodes, notification channels; no patient data",
  admin: "users, tokens, configuration, audit log; no patient data",
  integration: "read-only machine access (HL7/FHIR/Grafana)",
};

/**
 * How a route is reached. `public`: no credential (health, the dashboard's files, the login form);
 * `signed-in`: any user or token; `mqtt`: MQTT over WebSocket, which authenticates in its CONNECT packet
 * (mqtt.nodes/observers); otherwise the permission the caller's role must hold.
 */
export type Access = Permission | "public" | "signed-in" | "mqtt";

export interface RouteRule {
  /** HTTP method, or "ALL" for a catch-all over every method. HEAD follows GET. */
  method: string;
  url: string;
  access: Access;
  /** Audit-log action written when the request succeeds (status < 400). */
  audit?: string;
}

export const ROUTES: readonly RouteRule[] = [
  { method: "GET", url: "/healthz", access: "public" },
  { method: "GET", url: "/metrics", access: "metrics.read" },
  { method: "POST", url: "/api/login", access: "public" },
  { method: "POST", url: "/api/logout", access: "signed-in" },
  { method: "GET", url: "/api/session", access: "signed-in" },
  { method: "GET", url: "/api/beds", access: "ward.read" },
  { method: "GET", url: "/api/readings", access: "ward.read" },
  { method: "GET", url: "/api/live", access: "ward.read" },
  { method: "GET", url: "/api/alarms", access: "ward.read" },
  { method: "GET", url: "/api/alarm-events", access: "ward.read" },
  { method: "POST", url: "/api/alarms/:id/ack", access: "alarm.acknowledge", audit: "alarm.acknowledge" },
  { method: "POST", url: "/api/beds/:bed/pause", access: "alarm.pause", audit: "alarm.pause" },
  { method: "GET", url: "/api/beds/:bed/limits", access: "ward.read" },
  { method: "PUT", url: "/api/beds/:bed/limits", access: "limits.write", audit: "limits.change" },
  {
    method: "POST",
    url: "/api/beds/:bed/observations",
    access: "observation.enter",
    audit: "observation.enter",
  },
  { method: "GET", url: "/api/beds/:bed/news2", access: "ward.read" },
  { method: "GET", url: "/api/beds/:bed/trend", access: "ward.read" },
  {
    method: "POST",
    url: "/api/notices/:id/ack",
    access: "alarm.acknowledge",
    audit: "notice.acknowledge",
  },
  { method: "GET", url: "/api/stays", access: "ward.read" },
  // Admission is recorded in the stay's own history (stay_events), not the audit log: its body is
  // patient data (name, MRN, date of birth) and the audit log is an administrator's.
  { method: "POST", url: "/api/stays", access: "patient.admit" },
  { method: "GET", url: "/api/stays/:id", access: "ward.read" },
  { method: "POST", url: "/api/stays/:id/transfer", access: "patient.admit", audit: "stay.transfer" },
  { method: "POST", url: "/api/stays/:id/standby", access: "patient.admit", audit: "stay.standby" },
  { method: "POST", url: "/api/stays/:id/discharge", access: "patient.admit", audit: "stay.discharge" },
  { method: "POST", url: "/api/beds/:bed/remove", access: "patient.admit", audit: "bed.remove" },
  { method: "GET", url: "/api/stays/:id/timeline", access: "ward.read" },
  { method: "GET", url: "/api/stays/:id/print", access: "ward.read" },
  { method: "GET", url: "/api/notifications", access: "notifications.read" },
  {
    method: "POST",
    url: "/api/notifications/:id/requeue",
    access: "notifications.manage",
    audit: "notification.requeue",
  },
  { method: "GET", url: "/api/audit", access: "audit.read" },
  { method: "GET", url: "/api/nodes", access: "devices.read" },
  { method: "GET", url: "/api/interop", access: "interop.read" },
  { method: "POST", url: "/api/interop/:id/requeue", access: "interop.manage", audit: "interop.requeue" },
  { method: "GET", url: "/fhir/metadata", access: "fhir.read" },
  { method: "GET", url: "/fhir/Observation", access: "fhir.read" },
  { method: "GET", url: "/fhir/Observation/:id", access: "fhir.read" },
  { method: "GET", url: "/fhir/Patient/:id", access: "fhir.read" },
  { method: "GET", url: "/fhir/Device/:id", access: "fhir.read" },
  // Unknown paths under /api and /fhir answer 401 to strangers and 404 to the signed-in.
  { method: "ALL", url: "/api/*", access: "signed-in" },
  { method: "ALL", url: "/fhir/*", access: "fhir.read" },
  { method: "GET", url: "/mqtt", access: "mqtt" },
  // The dashboard's static files (no patient data in them) and, when it is not built, its 503 page.
  { method: "GET", url: "/*", access: "public" },
  { method: "GET", url: "/", access: "public" },
];

/** The rule for a route as fastify registers it (HEAD routes follow their GET). */
export function ruleFor(method: string, url: string): RouteRule | undefined {
  const m = method === "HEAD" ? "GET" : method;
  return ROUTES.find((r) => r.url === url && (r.method === m || r.method === "ALL"));
}

export function permissionsOf(role: PrincipalRole): ReadonlySet<Permission> {
  if (role === DEMO_ROLE) return new Set(Object.keys(PERMISSIONS) as Permission[]);
  return new Set(ROLE_PERMISSIONS[role]);
}

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}

/** May `role` reach a route with this access? (Credentials and loopback rules are the guard's.) */
export function allows(role: PrincipalRole, access: Access): boolean {
  if (access === "public" || access === "mqtt" || access === "signed-in") return true;
  return permissionsOf(role).has(access);
}

function accessLabel(a: Access): string {
  switch (a) {
    case "public":
      return "open";
    case "signed-in":
      return "any signed-in";
    case "mqtt":
      return "MQTT credentials";
    default:
      return `\`${a}\``;
  }
}

/** The matrix in docs/security.md, between its role-matrix markers. */
export function roleMatrixMarkdown(): string {
  const head = `| method | path | needs | ${ROLES.join(" | ")} |`;
  const rule = `|---|---|---|${ROLES.map(() => ":-:").join("|")}|`;
  const rows = ROUTES.map((r) => {
    const cells = ROLES.map((role) =>
      r.access === "public" || r.access === "mqtt" ? "·" : allows(role, r.access) ? "✓" : "—",
    );
    return `| ${r.method} | \`${r.url}\` | ${accessLabel(r.access)} | ${cells.join(" | ")} |`;
  });
  const perms = (Object.entries(PERMISSIONS) as [Permission, string][]).map(
    ([p, what]) =>
      `| \`${p}\` | ${what} | ${ROLES.map((role) => (ROLE_PERMISSIONS[role].includes(p) ? "✓" : "—")).join(" | ")} |`,
  );
  const roles = ROLES.map((r) => `- \`${r}\`: ${ROLE_DESCRIPTIONS[r]}`);
  return [
    ...roles,
    "",
    `| permission | allows | ${ROLES.join(" | ")} |`,
    `|---|---|${ROLES.map(() => ":-:").join("|")}|`,
    ...perms,
    "",
    head,
    rule,
    ...rows,
    "",
    "✓ allowed · — 403 · `·` no staff credential involved. Without a credential every row that is not",
    "open answers 401 (`/metrics`: open to loopback peers unless `auth.metrics` says otherwise).",
  ].join("\n");
}
