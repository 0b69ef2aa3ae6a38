import type { PageAccounts } from "./accounts/account-types";
import type { Presence } from "./presence/presence";
import type { ChatStore } from "./store/types";

/**
 * What server components (app/) need from the running chat server. Next.js
 * compiles app/ separately from server.ts, but both run in one process, so the
 * composition root hands its services over through a process-wide slot.
 */
export type AppServices = {
  store: ChatStore;
  presence: Pick<Presence, "onlineCounts">;
  accounts: PageAccounts;
};

const SLOT = Symbol.for("scrollback.services");
type Slot = { [SLOT]?: AppServices };

export function provideServices(services: AppServices): void {
  (globalThis as Slot)[SLOT] = services;
}

export function getServices(): AppServices {
  const services = (globalThis as Slot)[SLOT];
  if (!services)
    throw new Error("Scrollback services are not available: start the app with server.ts");
  return services;
}
