// The benchmark's ceiling: a bare `ws` server that broadcasts each message to
// every client, encoding it once — one JSON string, one UTF-8 buffer, the
// same bytes handed to every socket (ws adds only the frame header per
// client). No history, persistence, validation or protocol beyond that.
import { createServer } from "node:http";
import { WebSocketServer } from "ws";

const port = Number(process.env.PORT ?? 0);
// Answers /healthz like Scrollback, so the benchmark starts every server the same way.
const httpServer = createServer((request, response) => {
  response.writeHead(request.url === "/healthz" ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });

wss.on("connection", (socket) => {
  socket.on("message", (data) => {
    const frame = Buffer.from(JSON.stringify(JSON.parse(data.toString())));
    for (const client of wss.clients) {
      if (client.readyState === 1) client.send(frame, { binary: false });
    }
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});
