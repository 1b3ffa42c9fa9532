import type { Command } from "commander";
import { dataDirHelp, defaultDataDir, isoTime, withAccessDb } from "./access-db.js";

const collect = (v: string, all: string[]) => [...all, v];

/**
 * `vitals nodes add|list|revoke`: per-node credentials bound to beds. `nodes add` prints the token
 * once on stdout and nothing else. (Not `vitals node`, which runs a node agent.)
 */
export function register(program: Command): void {
  const nodes = program.command("nodes").description("node credentials: which node may report for which bed");
  nodes
    .command("add")
    .description("create a node credential for one or more beds; prints its token once on stdout")
    .requiredOption("--bed <bed>", "a bed the node may report for (repeat for more)", collect, [])
    .option("--node <id>", "bind it to this node id as well (the hello's node)")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (o: { bed: string[]; node?: string; dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        const { token, view } = db.nodes.add(o.bed, o.node, Date.now());
        db.record({
          action: "node.add",
          target: String(view.id),
          detail: { node: view.node, beds: view.beds },
        });
        process.stdout.write(`${token}\n`);
      });
    });
  nodes
    .command("list")
    .description("list node credentials (never the tokens)")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (o: { dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        for (const n of db.nodes.list())
          process.stdout.write(
            `${n.id}\t${n.node ?? "(any node id)"}\t${n.beds.join(",")}\tcreated ${isoTime(n.createdAt)}\t${n.revokedAt === null ? "active" : `revoked ${isoTime(n.revokedAt)}`}\n`,
          );
      });
    });
  nodes
    .command("revoke")
    .description("revoke by credential id, or every credential of a node id; applies without restart")
    .argument("<id-or-node>")
    .option("--data-dir <dir>", dataDirHelp, defaultDataDir())
    .action(async (idOrNode: string, o: { dataDir: string }) => {
      await withAccessDb(o.dataDir, (db) => {
        for (const n of db.nodes.revoke(idOrNode, Date.now())) {
          db.record({ action: "node.revoke", target: String(n.id), detail: { node: n.node, beds: n.beds } });
          process.stdout.write(`revoked node credential ${n.id} (${n.beds.join(", ")})\n`);
        }
      });
    });
}
