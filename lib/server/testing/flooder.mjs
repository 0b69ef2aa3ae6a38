// A flooding client, run in a worker thread so that its own work does not
// share the server's event loop (a real attacker is another machine). It
// speaks Socket.IO by hand over a plain WebSocket, joins a room, then sends
// `message:send` as fast as the socket takes it, ignoring every rate_limited
// answer. With `reconnect` it comes straight back whenever it is cut off.
import { parentPort, workerData } from "node:worker_threads";
import WebSocket from "ws";

const { url, room, durationMs, reconnect, headers = {} } = workerData;
const BATCH = 200;
const MAX_BUFFERED = 1 << 20;
const deadline = Date.now() + durationMs;
const stats = { connections: 0, refused: 0, sent: 0, accepted: 0, limited: 0, disconnected: 0 };

function session() {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, {
      perMessageDeflate: false,
      headers,
    });
    let next = 0;
    let open = true;
    const pump = () => {
      if (!open || Date.now() > deadline) {
        ws.terminate();
        return;
      }
      if (ws.bufferedAmount < MAX_BUFFERED) {
        for (let k = 0; k < BATCH; k++, next++) {
          const body = JSON.stringify({ room, text: `flood ${next}`, clientId: `f${next}` });
          ws.send(`42${next + 2}["message:send",${body}]`);
          stats.sent++;
        }
      }
      setImmediate(pump);
    };
    ws.on("message", (data) => {
      const frame = data.toString();
      if (frame.startsWith("0{")) ws.send("40");
      else if (frame.startsWith("40")) ws.send(`421["room:join",${JSON.stringify({ room })}]`);
      else if (frame === "2") ws.send("3");
      else if (frame.startsWith("431[")) {
        stats.connections++;
        pump();
      } else if (frame.startsWith("43")) {
        if (frame.includes('"ok":true')) stats.accepted++;
        else if (frame.includes('"rate_limited"')) stats.limited++;
      }
    });
    ws.on("unexpected-response", (request) => {
      stats.refused++;
      request.destroy();
      open = false;
      setTimeout(resolve, 5);
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      if (open) stats.disconnected++;
      open = false;
      resolve();
    });
  });
}

do {
  await session();
} while (reconnect && Date.now() < deadline);
parentPort.postMessage(stats);
