/** The name actions are logged under. There is no login; the gateway writes this to the alarm log. */
export const USER_KEY = "vitals.user";
const USER_MAX_LENGTH = 64;

/** Trimmed name, or null when it cannot be used (empty or longer than the gateway accepts). */
export function normaliseUser(raw: string | null | undefined): string | null {
  const v = (raw ?? "").trim();
  return v.length > 0 && v.length <= USER_MAX_LENGTH ? v : null;
}

/** localStorage may be missing or throw (private mode, disabled storage): the field then just isn't kept. */
export function loadUser(storage: Pick<Storage, "getItem"> | null): string {
  try {
    return normaliseUser(storage?.getItem(USER_KEY)) ?? "";
  } catch {
    return "";
  }
}

export function saveUser(storage: Pick<Storage, "setItem" | "removeItem"> | null, raw: string): void {
  const v = normaliseUser(raw);
  try {
    if (v === null) storage?.removeItem(USER_KEY);
    else storage?.setItem(USER_KEY, v);
  } catch {
    /* not persisted; the field still holds it for this session */
  }
}
