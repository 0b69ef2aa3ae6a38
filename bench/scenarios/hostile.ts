import type { BenchSettings, Progress } from "../lib/context";
import {
  type FloodMatrixResult,
  type FloodMatrixSettings,
  type FloodPace,
  type FloodRowResult,
  runFloodMatrix,
} from "../lib/flood-matrix";
import { formatNumber } from "../lib/summary";
import type { Table } from "../lib/table";

/** The flood matrix at each pace: as specified, and at the connection's own pace for every row. */
export type HostileResult = { runs: FloodMatrixResult[] };

/** The issue's shape: 200 connections from one address for 10 s per row. */
export function hostileSettings(settings: BenchSettings, pace: FloodPace): FloodMatrixSettings {
  return {
    connections: settings.quick ? 50 : 200,
    floodMs: settings.quick ? 3_000 : 10_000,
    quietMs: settings.quick ? 2_000 : 5_000,
    settleMs: 5_000,
    bystanders: 4,
    bystanderPerSecond: 4,
    archiveMessages: 2_000,
    pace,
    disturbedForeignCores: settings.disturbedForeignCores,
    disturbedRetries: settings.disturbedRetries,
    ...(settings.scrollbackEntry ? { scrollbackEntry: settings.scrollbackEntry } : {}),
  };
}

export async function hostileScenario(
  settings: BenchSettings,
  progress: Progress,
): Promise<HostileResult> {
  const runs: FloodMatrixResult[] = [];
  const paces: FloodPace[] = settings.quick ? ["budgets"] : ["budgets", "connection"];
  for (const pace of paces) {
    progress(`hostile · the flood matrix at the pace of ${PACE_NAMES[pace]}`);
    runs.push(await runFloodMatrix(hostileSettings(settings, pace), progress));
  }
  return { runs };
}

const PACE_NAMES: Record<FloodPace, string> = {
  budgets: "90 % of each row's budgets",
  connection: "90 % of the connection's event budget",
};

const ms = (value: number) => formatNumber(value, 1);
const count = (value: number) => value.toLocaleString("en-US");

function refusals(r: FloodRowResult): string {
  if (r.notice) return "—";
  const entries = Object.entries(r.attack.refused);
  return entries.length === 0 ? "0" : entries.map(([code, n]) => `${count(n)} ${code}`).join(", ");
}

function bystander(r: FloodRowResult): string {
  const unanswered = r.bystanderUnanswered ? ` (${r.bystanderUnanswered} unanswered)` : "";
  return `${ms(r.quiet.p99)} → ${ms(r.flood.p99)}${unanswered}`;
}

/** One row per request type: what the flood did, and what the bystander and the server felt. */
export function hostileTable(result: FloodMatrixResult): Table {
  const s = result.settings;
  return {
    title: `Flood matrix: ${s.connections} connections from one address, each at ${PACE_NAMES[s.pace ?? "budgets"]}, ${s.floodMs / 1000} s per row, while ${s.bystanders} people on another address chat (${s.bystanderPerSecond} messages/s each)`,
    columns: [
      "request",
      "per conn/s",
      "sent",
      "accepted",
      "refused",
      "bystander p99 quiet → flood ms",
      "newcomer connect p99 ms",
      "longest stall quiet → flood ms",
      "RSS max MB",
      "lost",
    ],
    rows: result.rows.map((r) => [
      r.row,
      formatNumber(r.perConnectionPerSecond, 2),
      count(r.attack.sent),
      r.notice ? "(notices)" : count(r.attack.accepted),
      refusals(r),
      bystander(r),
      ms(r.newcomerConnectMs.p99),
      `${ms(r.quietStallMs)} → ${ms(r.longestStallMs)}`,
      formatNumber(r.rssMaxMb, 0),
      `${r.lost}${r.serverSurvived ? "" : " (server died)"}${r.disturbed ? " *" : ""}`,
    ]),
    notes: [
      "The bystander's quiet p99 and the server's quiet stall are measured just before each row's flood, in the same run.",
      "* disturbed: other work on the machine took more than the threshold during the flood, on every attempt.",
      "Newcomer: a fresh connection (connect and join) from a third address every second during the flood.",
    ],
  };
}

/** A table per request type, a row per pace, with everything measured. */
export function hostileTablesByRequest(result: HostileResult): Table[] {
  const names = [...new Set(result.runs.flatMap((run) => run.rows.map((r) => r.row)))];
  return names.map((name) => {
    const rows = result.runs.flatMap((run) => run.rows.filter((r) => r.row === name));
    return {
      title: `Flood matrix · ${name}: ${rows[0]?.costs ?? ""}`,
      columns: [
        "pace",
        "connections × per conn/s",
        "sent",
        "accepted",
        "refused",
        "bytes to attacker",
        "bystander p50 / p99 quiet ms",
        "p50 / p99 flood ms",
        "newcomer p99 ms",
        "stall quiet → flood ms",
        "server cores",
        "other work cores",
        "RSS before → max MB",
        "recovery ms",
        "lost",
      ],
      rows: rows.map((r) => [
        PACE_NAMES[r.pace],
        `${r.connections} × ${formatNumber(r.perConnectionPerSecond, 2)}`,
        count(r.attack.sent),
        r.notice ? "(notices)" : count(r.attack.accepted),
        refusals(r),
        count(r.attack.bytesReceived),
        `${ms(r.quiet.p50)} / ${ms(r.quiet.p99)}`,
        `${ms(r.flood.p50)} / ${ms(r.flood.p99)}${r.bystanderUnanswered ? ` (${r.bystanderUnanswered} unanswered)` : ""}`,
        ms(r.newcomerConnectMs.p99),
        `${ms(r.quietStallMs)} → ${ms(r.longestStallMs)}`,
        formatNumber(r.serverCores, 2),
        formatNumber(r.foreignCores, 2),
        `${formatNumber(r.rssBeforeMb, 0)} → ${formatNumber(r.rssMaxMb, 0)}`,
        formatNumber(r.recoveryMs, 0),
        `${r.lost}${r.serverSurvived ? "" : " (server died)"}`,
      ]),
    };
  });
}
