import { describe, expect, it } from "vitest";
import { connectionsToCutOff } from "./output-budget";

const limits = { perConnection: 100, total: 250 };

describe("connectionsToCutOff", () => {
  it("cuts nobody while every queue is under its limit and the total under the budget", () => {
    expect(
      connectionsToCutOff(
        [
          { key: "a", bytes: 90 },
          { key: "b", bytes: 90 },
          { key: "c", bytes: 0 },
        ],
        limits,
      ),
    ).toEqual([]);
  });

  it("cuts every connection over its own limit, whatever the total", () => {
    expect(
      connectionsToCutOff(
        [
          { key: "a", bytes: 101 },
          { key: "b", bytes: 5 },
          { key: "c", bytes: 500 },
        ],
        limits,
      ),
    ).toEqual(["a", "c"]);
  });

  it("over the total budget, cuts the largest queues first until the rest fits", () => {
    const queued = [
      { key: "a", bytes: 60 },
      { key: "b", bytes: 95 },
      { key: "c", bytes: 80 },
      { key: "d", bytes: 70 },
      { key: "e", bytes: 10 },
    ];
    // 315 queued: dropping b (95) leaves 220 ≤ 250.
    expect(connectionsToCutOff(queued, limits)).toEqual(["b"]);
    // With a budget of 100: b, c, then d leave 70.
    expect(connectionsToCutOff(queued, { perConnection: 100, total: 100 })).toEqual([
      "b",
      "c",
      "d",
    ]);
  });

  it("counts what over-limit connections held as freed before applying the budget", () => {
    expect(
      connectionsToCutOff(
        [
          { key: "big", bytes: 1_000 },
          { key: "a", bytes: 100 },
          { key: "b", bytes: 100 },
        ],
        limits,
      ),
    ).toEqual(["big"]);
  });
});
