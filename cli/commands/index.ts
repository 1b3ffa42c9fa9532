import type { Command } from "commander";
import * as audit from "./audit.js";
import * as backup from "./backup.js";
import * as certs from "./certs.js";
import * as config from "./config.js";
import * as demo from "./demo.js";
import * as flash from "./flash.js";
import * as gateway from "./gateway.js";
import * as mqttPasswd from "./mqtt-passwd.js";
import * as node from "./node.js";
import * as nodes from "./nodes.js";
import * as notify from "./notify.js";
import * as ports from "./ports.js";
import * as ppg from "./ppg.js";
import * as record from "./record.js";
import * as replay from "./replay.js";
import * as restore from "./restore.js";
import * as simulate from "./simulate.js";
import * as tokens from "./tokens.js";
import * as users from "./users.js";

/** Each subcommand lives in its own file and registers itself here: one line per command. */
export function registerCommands(program: Command): void {
  gateway.register(program);
  simulate.register(program);
  demo.register(program);
  ppg.register(program);
  mqttPasswd.register(program);
  ports.register(program);
  notify.register(program);
  node.register(program);
  flash.register(program);
  users.register(program);
  tokens.register(program);
  nodes.register(program);
  audit.register(program);
  certs.register(program);
  replay.register(program);
  record.register(program);
  backup.register(program);
  restore.register(program);
  config.register(program);
}
