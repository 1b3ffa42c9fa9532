import { InvalidArgumentError } from "commander";
import { isRole, ROLES, type Role } from "../../gateway/auth/roles.js";

export function roleOption(v: string): Role {
  if (!isRole(v)) throw new InvalidArgumentError(`expected one of ${ROLES.join(", ")}`);
  return v;
}

export const roleHelp = `role: ${ROLES.join(", ")}`;
