import { userInfo } from "node:os";
import { isVitalsError } from "../../core/errors.js";
import { ApiTokenStore } from "../../gateway/auth/api-token-store.js";
import { type AuditInput, AuditLog } from "../../gateway/auth/audit-log.js";
import { NodeCredentialStore } from "../../gateway/auth/node-credential-store.js";
import { UserStore } from "../../gateway/auth/user-store.js";
import { SqliteStore } from "../../gateway/store/sqlite-store.js";

/** The default data directory, as the gateway's (config dataDir, VITALS_DATA_DIR). */
export const defaultDataDir = () => process.env.VITALS_DATA_DIR ?? "data";

export const dataDirHelp = "the gateway's data directory ($VITALS_DATA_DIR or ./data)";

/**
 * The access-control tables of a gateway's SQLite file, for the CLI. Works before the gateway's first
 * start (the file and its tables are created) and while it runs (WAL: the gateway sees changes at once).
 */
export class AccessDb {
  readonly users: UserStore;
  readonly tokens: ApiTokenStore;
  readonly nodes: NodeCredentialStore;
  readonly audit: AuditLog;
  private readonly store: SqliteStore;

  constructor(dataDir: string) {
    this.store = SqliteStore.open(dataDir);
    this.users = new UserStore(this.store.db);
    this.tokens = new ApiTokenStore(this.store.db);
    this.nodes = new NodeCredentialStore(this.store.db);
    this.audit = new AuditLog(this.store.db);
  }

  /** Audit entries from the CLI name the operating-system user who ran it. */
  record(entry: Omit<AuditInput, "actor">): void {
    this.audit.append({ actor: `cli:${userInfo().username}`, ...entry }, Date.now());
  }

  close(): void {
    this.store.close();
  }
}

/** Runs a command against the data directory; a VitalsError is one line on stderr and exit status 2. */
export async function withAccessDb(
  dataDir: string,
  run: (db: AccessDb) => Promise<void> | void,
): Promise<void> {
  let db: AccessDb | undefined;
  try {
    db = new AccessDb(dataDir);
    await run(db);
  } catch (e) {
    if (!isVitalsError(e)) throw e;
    process.stderr.write(`vitals: ${e.message}\n`);
    process.exitCode = 2;
  } finally {
    db?.close();
  }
}

export const isoTime = (t: number | null) =>
  t === null ? "-" : new Date(t).toISOString().replace(/\.\d+Z$/, "Z");
