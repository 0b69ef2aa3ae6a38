// Preloaded (`node --require`) into every server under test, identically, so
// the benchmark can read what only the process itself knows: its heap after a
// full GC, and the longest event-loop stall since the last reading. It talks
// over the IPC channel the benchmark opened, and adds one 10 ms timer.
const { performance } = require("node:perf_hooks");

const TICK_MS = 10;
let longestStallMs = 0;
let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const stall = now - last - TICK_MS;
  if (stall > longestStallMs) longestStallMs = stall;
  last = now;
}, TICK_MS).unref();

if (process.send) {
  process.on("message", (request) => {
    if (!request || typeof request !== "object" || typeof request.probe !== "string") return;
    if (request.probe === "gc") {
      if (typeof global.gc === "function") {
        global.gc();
        global.gc();
      }
      const { rss, heapUsed } = process.memoryUsage();
      process.send({ probe: "gc", rss, heapUsed });
    } else if (request.probe === "stall") {
      process.send({ probe: "stall", longestStallMs: Math.max(0, longestStallMs) });
      longestStallMs = 0;
    }
  });
  process.channel?.unref();
}
