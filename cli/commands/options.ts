import { InvalidArgumentError } from "commander";

export function intOption(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    return n;
  };
}

export function numberOption(min: number, max: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}`);
    return n;
  };
}

export function hostPort(v: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(v);
  const port = Number(m?.[2]);
  if (!m?.[1] || port < 1 || port > 65535)
    throw new InvalidArgumentError("expected host:port, e.g. 127.0.0.1:7070");
  return { host: m[1].replace(/^\[(.*)\]$/, "$1"), port };
}
