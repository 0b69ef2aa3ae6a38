"use client";

import { useCallback, useEffect, useState } from "react";
import { attempt, authClient } from "@/lib/client/auth-client";
import { authErrorText } from "@/lib/client/auth-text";
import { Button, ErrorMessage } from "./form-parts";
import { Loading } from "./Section";

type ShownAccount = {
  id: string;
  name: string;
  email: string;
  role: string;
  createdAt: Date;
  disabled: boolean;
};

const PAGE_SIZE = 100;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/**
 * Every account of the server, oldest first, with Disable / Enable. Disabling
 * ends the account's sessions and drops its connections (the server does it);
 * an admin cannot disable their own account here.
 */
export function AdminAccounts({ myAccountId }: { myAccountId: string }) {
  const [accounts, setAccounts] = useState<ShownAccount[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async (offset: number) => {
    const result = await attempt(() =>
      authClient().admin.listUsers({
        query: { limit: PAGE_SIZE, offset, sortBy: "createdAt", sortDirection: "asc" },
      }),
    );
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    const page = result.data.users.map((user) => ({
      id: user.id,
      name: user.name,
      email: user.email,
      role: user.role ?? "user",
      createdAt: new Date(user.createdAt),
      disabled: Boolean(user.banned),
    }));
    setTotal(result.data.total);
    setAccounts((shown) => (offset === 0 ? page : [...(shown ?? []), ...page]));
  }, []);

  useEffect(() => {
    void load(0);
  }, [load]);

  async function setDisabled(account: ShownAccount, disabled: boolean) {
    if (busy) return;
    setBusy(account.id);
    setError(null);
    const result = await attempt(() =>
      disabled
        ? authClient().admin.banUser({
            userId: account.id,
            banReason: "Disabled by a server admin",
          })
        : authClient().admin.unbanUser({ userId: account.id }),
    );
    setBusy(null);
    if (!result.ok) {
      setError(authErrorText(result.failure));
      return;
    }
    setAccounts((all) => all?.map((a) => (a.id === account.id ? { ...a, disabled } : a)) ?? null);
  }

  if (!accounts) return error ? <ErrorMessage>{error}</ErrorMessage> : <Loading what="accounts" />;

  return (
    <div className="space-y-3">
      {error && <ErrorMessage>{error}</ErrorMessage>}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 dark:border-zinc-800">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Accounts on this server</caption>
          <thead className="bg-zinc-50 text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">
                Name
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Email
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Role
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Created
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                Status
              </th>
              <th scope="col" className="px-3 py-2 font-medium">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {accounts.map((account) => (
              <tr key={account.id}>
                <th id={`account-${account.id}`} scope="row" className="px-3 py-2 font-medium">
                  {account.name}
                </th>
                <td className="break-all px-3 py-2">{account.email}</td>
                <td className="px-3 py-2">{account.role === "admin" ? "Admin" : "Member"}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <time dateTime={account.createdAt.toISOString()}>
                    {dateFormat.format(account.createdAt)}
                  </time>
                </td>
                <td className="px-3 py-2">
                  {account.disabled ? (
                    <span className="font-medium text-red-800 dark:text-red-300">Disabled</span>
                  ) : (
                    "Active"
                  )}
                </td>
                <td className="px-3 py-2 text-right">
                  {account.id === myAccountId ? (
                    <span className="text-zinc-600 dark:text-zinc-400">You</span>
                  ) : (
                    <Button
                      variant={account.disabled ? "secondary" : "danger"}
                      busy={busy === account.id}
                      aria-describedby={`account-${account.id}`}
                      onClick={() => setDisabled(account, !account.disabled)}
                    >
                      {account.disabled ? "Enable" : "Disable"}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {accounts.length < total && (
        <Button variant="secondary" onClick={() => load(accounts.length)}>
          Show more accounts
        </Button>
      )}
    </div>
  );
}
