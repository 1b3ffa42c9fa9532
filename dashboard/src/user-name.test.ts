import { describe, expect, it } from "vitest";
import { loadUser, normaliseUser, saveUser, USER_KEY } from "./user-name.js";

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
  removeItem(k: string) {
    this.data.delete(k);
  }
}

describe("user name", () => {
  it("accepts 1–64 characters after trimming, as the gateway does", () => {
    expect(normaliseUser("  nurse.kim ")).toBe("nurse.kim");
    expect(normaliseUser("   ")).toBeNull();
    expect(normaliseUser(null)).toBeNull();
    expect(normaliseUser("x".repeat(64))).toHaveLength(64);
    expect(normaliseUser("x".repeat(65))).toBeNull();
  });

  it("persists a usable name and forgets an unusable one", () => {
    const s = new MemoryStorage();
    saveUser(s, " kim ");
    expect(s.data.get(USER_KEY)).toBe("kim");
    expect(loadUser(s)).toBe("kim");
    saveUser(s, "");
    expect(s.data.has(USER_KEY)).toBe(false);
    expect(loadUser(s)).toBe("");
  });

  it("survives storage that is missing or throws", () => {
    const broken = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {
        throw new Error("SecurityError");
      },
    };
    expect(loadUser(broken)).toBe("");
    expect(() => saveUser(broken, "kim")).not.toThrow();
    expect(loadUser(null)).toBe("");
  });
});
