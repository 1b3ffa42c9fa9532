import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import type { Command } from "commander";

const collect = (v: string, all: string[]) => [...all, v];

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === "ENOENT")
      throw new Error("the openssl command is needed (Debian: apt-get install openssl)");
    throw new Error(`openssl ${args[0]} failed: ${String(err.stderr ?? err.message).trim()}`);
  }
}

/**
 * A local certificate authority and a server certificate for the gateway, made with the openssl CLI:
 * P-256 keys, the server certificate valid for the given names and addresses (and localhost).
 */
export function initCerts(dir: string, hosts: string[], force: boolean): string[] {
  mkdirSync(dir, { recursive: true });
  const files = ["ca.key", "ca.crt", "server.key", "server.crt"];
  const present = files.filter((f) => existsSync(join(dir, f)));
  if (present.length && !force)
    throw new Error(`${present.join(", ")} already in ${dir}; give --force to replace them`);
  const names = [...new Set([...hosts, "localhost", "127.0.0.1", "::1"])];
  const san = names.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(",");
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      "3650",
      "-subj",
      "/CN=vitals local CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", `/CN=${names[0]}`], dir);
  writeFileSync(
    join(dir, "server.ext"),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.crt",
      "-days",
      "825",
      "-sha256",
      "-extfile",
      "server.ext",
    ],
    dir,
  );
  for (const f of ["server.csr", "server.ext", "ca.srl"]) rmSync(join(dir, f), { force: true });
  chmodSync(join(dir, "ca.key"), 0o600);
  chmodSync(join(dir, "server.key"), 0o600);
  return names;
}

/** `vitals certs init`: a local CA and the gateway's server certificate (docs/security.md). */
export function register(program: Command): void {
  const certs = program.command("certs").description("TLS certificates for the gateway (openssl)");
  certs
    .command("init")
    .description("create a local CA (ca.crt, ca.key) and a server certificate (server.crt, server.key)")
    .option("--dir <dir>", "where to write them", "tls")
    .option("--host <name>", "a DNS name or IP address nodes and browsers use (repeat for more)", collect, [])
    .option("--force", "replace existing files")
    .action((o: { dir: string; host: string[]; force?: boolean }) => {
      try {
        const names = initCerts(o.dir, o.host, Boolean(o.force));
        process.stdout.write(
          `wrote ${join(o.dir, "ca.crt")}, ca.key, server.crt, server.key (valid for ${names.join(", ")})\n` +
            `  gateway: vitals gateway --tls-cert ${join(o.dir, "server.crt")} --tls-key ${join(o.dir, "server.key")} [--tls-ingest]\n` +
            `  nodes:   vitals node --tls-ca ${join(o.dir, "ca.crt")} …; browsers: import ca.crt as a trusted authority\n` +
            "  Keep ca.key offline: whoever holds it can impersonate the gateway.\n",
        );
      } catch (e) {
        process.stderr.write(`vitals: ${(e as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
