// The seed report's design, as the benchmark's first reference: every message
// kept in an in-memory list, the whole list emitted to each client on connect,
// every new message emitted to everyone (its author included). No
// persistence, no validation, no limits. Plain JavaScript under plain node,
// like Scrollback's production bundle.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 0);
const seedCount = Number(process.env.NAIVE_SEED_MESSAGES ?? 0);

const messages = [];
// A history of the requested size, shaped like the messages clients send.
for (let i = 0; i < seedCount; i++) {
  messages.push({
    author: `bot-${i % 100}`,
    message: `seeded message ${i} ${"lorem ipsum ".repeat(4)}`,
  });
}

// Answers /healthz like Scrollback, so the benchmark starts every server the same way.
const httpServer = createServer((request, response) => {
  response.writeHead(request.url === "/healthz" ? 200 : 404).end();
});
const io = new Server(httpServer, { serveClient: false, perMessageDeflate: false });

io.on("connection", (socket) => {
  socket.emit("previousMessages", messages);
  socket.on("sendMessage", (data) => {
    messages.push(data);
    io.emit("receivedMessage", data);
  });
});

httpServer.listen(port, "127.0.0.1", () => {
  console.log(`listening ${httpServer.address().port}`);
});
