import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Renders a Vega-Lite spec to SVG headlessly (no canvas: text is measured by estimate). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

const SERVER_COLOURS = {
  domain: ["naive", "raw", "scrollback", "previous"],
  range: ["#e45756", "#9d9d9d", "#4c78a8", "#9ecae9"],
};

/** p99 delivery latency against deliveries per second, one line per server and run. */
export function fanoutLatencySpec(
  points: { target: string; run: number; delivered: number; p99Ms: number; held: boolean }[],
  boundMs: number,
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: "Fan-out: p99 delivery latency as the load rises",
      subtitle: "1 room, every client receives every message; dashed line: the 100 ms bound",
    },
    width: 640,
    height: 360,
    background: "white",
    layer: [
      {
        data: { values: points },
        mark: { type: "line", point: true, strokeWidth: 1.5 },
        encoding: {
          x: {
            field: "delivered",
            type: "quantitative",
            title: "deliveries per second (measured)",
          },
          y: {
            field: "p99Ms",
            type: "quantitative",
            title: "p99 latency (ms, log scale)",
            scale: { type: "log" },
          },
          color: { field: "target", type: "nominal", title: "server", scale: SERVER_COLOURS },
          detail: { field: "run", type: "nominal" },
          shape: { field: "held", type: "nominal", title: "step held" },
        },
      },
      {
        data: { values: [{ bound: boundMs }] },
        mark: { type: "rule", strokeDash: [6, 4], color: "#333" },
        encoding: { y: { field: "bound", type: "quantitative" } },
      },
    ],
  };
}

/** A bar per server with the runs' range as an error bar. */
export function spreadBarsSpec(
  title: string,
  axis: string,
  bars: { target: string; median: number; min: number; max: number }[],
): TopLevelSpec {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width: 360,
    height: 220,
    background: "white",
    data: { values: bars },
    layer: [
      {
        mark: "bar",
        encoding: {
          x: { field: "target", type: "nominal", title: null, sort: SERVER_COLOURS.domain },
          y: { field: "median", type: "quantitative", title: axis },
          color: { field: "target", type: "nominal", scale: SERVER_COLOURS, legend: null },
        },
      },
      {
        mark: { type: "rule", color: "#222" },
        encoding: {
          x: { field: "target", type: "nominal", sort: SERVER_COLOURS.domain },
          y: { field: "min", type: "quantitative" },
          y2: { field: "max" },
        },
      },
    ],
  };
}
