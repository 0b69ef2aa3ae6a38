// Runs named commands in order, stops at the first failure, and prints how long each took.
import { spawnSync } from "node:child_process";

export function runSteps(steps) {
  const timings = [];
  for (const step of steps) {
    if (step.skip?.()) {
      timings.push([step.name, "skipped (up to date)"]);
      continue;
    }
    console.log(`\n▶ ${step.name}: ${[step.command, ...step.args].join(" ")}`);
    const started = Date.now();
    const result = spawnSync(step.command, step.args, {
      stdio: "inherit",
      env: { ...process.env, ...step.env },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    timings.push([step.name, `${seconds}s`]);
    if (result.status !== 0) {
      console.error(`\n✖ ${step.name} failed after ${seconds}s`);
      printTimings(timings);
      process.exit(result.status ?? 1);
    }
  }
  printTimings(timings);
}

function printTimings(timings) {
  console.log("\nSummary:");
  for (const [name, took] of timings) console.log(`  ${name.padEnd(24)} ${took}`);
}
