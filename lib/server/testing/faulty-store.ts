import type { ChatStore } from "../store/types";

type StoreMethod = {
  [K in keyof ChatStore]: ChatStore[K] extends (...args: never[]) => unknown ? K : never;
}[keyof ChatStore];

/** A real store whose chosen methods fail on demand, for tests of how the server copes. */
export type FaultyStore = ChatStore & {
  /** Makes every later call of `method` reject with `error`, until `heal()`. */
  breakMethod(method: StoreMethod, error: Error): void;
  heal(): void;
};

export function faultyStore(inner: ChatStore): FaultyStore {
  const faults = new Map<PropertyKey, Error>();
  const controls = {
    breakMethod(method: StoreMethod, error: Error) {
      faults.set(method, error);
    },
    heal() {
      faults.clear();
    },
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property in controls) return controls[property as keyof typeof controls];
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const fault = faults.get(property);
        return fault ? Promise.reject(fault) : value.apply(target, args);
      };
    },
  }) as FaultyStore;
}
