import type Database from "better-sqlite3";
import type { Logger } from "../../core/logger.js";
import type { TimeSource } from "../../core/time.js";
import { AccessControl } from "./access-control.js";
import type { AuthConfig } from "./auth-config.js";
import { assertSafeExposure } from "./exposure.js";
import { setupCommand } from "./http-auth.js";
import { LiveCredentialWatch } from "./live-credential-watch.js";
import { NodeAuthenticator } from "./node-authenticator.js";

/** Everything the gateway needs for access control, as one object: staff, live connections, nodes. */
export class GatewayAccess {
  readonly control: AccessControl;
  readonly live: LiveCredentialWatch;
  readonly nodes: NodeAuthenticator;
  private prune: NodeJS.Timeout | undefined;

  constructor(
    db: Database.Database,
    readonly config: AuthConfig,
    time: TimeSource,
    private readonly logger: Logger,
  ) {
    this.control = new AccessControl(db, config, time, logger);
    this.live = new LiveCredentialWatch(this.control);
    this.nodes = new NodeAuthenticator(config, this.control.nodeCredentials, logger);
  }

  /** Throws (config.invalid) for an unsafe exposure; call before listening. */
  check(host: string, tls: boolean, opts: { mqttAnonymous?: boolean } = {}): void {
    assertSafeExposure(host, this.config, tls, opts);
  }

  start(dataDir: string): void {
    this.live.start();
    this.nodes.start();
    this.prune = setInterval(() => this.control.prune(), 3_600_000);
    this.prune.unref();
    if (this.config.openNodes) this.logger.warn("open-nodes lab mode: nodes connect without credentials");
    if (this.config.demo) this.logger.warn("demo mode: loopback requests are signed in as 'demo'");
    if (this.control.setupRequired())
      this.logger.warn(
        { command: setupCommand(dataDir) },
        "no administrator account: the dashboard and API answer 503 until one is added",
      );
  }

  stop(): void {
    this.live.stop();
    this.nodes.stop();
    clearInterval(this.prune);
  }
}
