import type {
  AuditStore,
  BotTokenStore,
  ChatStore,
  InviteStore,
  MemberStore,
  MessageStore,
  ReadPositionStore,
  RoomStore,
  UserStore,
} from "../store/types";

/** Every store method, named by its aggregate: "messages.append", "users.find", … */
export type StoreMethod =
  | `messages.${keyof MessageStore & string}`
  | `rooms.${keyof RoomStore & string}`
  | `users.${keyof UserStore & string}`
  | `botTokens.${keyof BotTokenStore & string}`
  | `reads.${keyof ReadPositionStore & string}`
  | `members.${keyof MemberStore & string}`
  | `invites.${keyof InviteStore & string}`
  | `audit.${keyof AuditStore & string}`;

const AGGREGATES = [
  "messages",
  "rooms",
  "users",
  "botTokens",
  "reads",
  "members",
  "invites",
  "audit",
] as const;

/** A real store whose chosen methods fail on demand, for tests of how the server copes. */
export type FaultyStore = ChatStore & {
  /** Makes every later call of `method` reject with `error`, until `heal()`. */
  breakMethod(method: StoreMethod, error: Error): void;
  heal(): void;
};

/** The aggregate's store, whose methods reject with the fault set for `${aggregate}.${method}`. */
function faultyAggregate<T extends object>(
  inner: T,
  aggregate: string,
  faults: Map<string, Error>,
): T {
  return new Proxy(inner, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const fault = faults.get(`${aggregate}.${String(property)}`);
        return fault ? Promise.reject(fault) : value.apply(target, args);
      };
    },
  });
}

export function faultyStore(inner: ChatStore): FaultyStore {
  const faults = new Map<string, Error>();
  const aggregates = Object.fromEntries(
    AGGREGATES.map((name) => [name, faultyAggregate(inner[name], name, faults)]),
  );
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
      if (property in aggregates) return aggregates[property as string];
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as FaultyStore;
}
