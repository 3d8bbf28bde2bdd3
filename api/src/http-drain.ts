import type { Server, ServerResponse } from "node:http";
import { Server as NetServer, type Socket } from "node:net";

export interface DrainResult {
  /** Requests still unanswered at the deadline, whose connections were closed under them. */
  cutOff: number;
}

/**
 * How long connections that are idle at the stop stay open. A busy keep-alive client (a proxy's
 * upstream pool) sends its next request on a connection the moment the last answer arrives: closed
 * under it, that request would be reset. Kept open a little, it gets its answer with
 * `Connection: close` instead, and the connection ends cleanly.
 */
const idleGraceMs = 1000;

/**
 * A graceful stop for a Node HTTP server behind keep-alive clients (a proxy's upstream pool, a
 * till's HTTP client). `server.close()` alone stops accepting new connections but keeps serving
 * the open ones for as long as their clients keep sending: ten keep-alive clients kept a server
 * answering for 20 s after SIGTERM (issue 16). `drain()`:
 * - stops accepting connections;
 * - answers every request from now on, and every one in flight whose answer has not started, with
 *   `Connection: close`, so each connection ends right after an answer, never in the middle of one;
 * - after a short grace (`idleGraceMs`), closes the keep-alive connections that are still idle
 *   (`closeIdleConnections`);
 * - waits for the requests in flight until the deadline, then closes whatever is left
 *   (`closeAllConnections`).
 */
export function trackRequests(server: Server) {
  const inFlight = new Set<ServerResponse>();
  const connections = new Set<Socket>();
  let draining = false;
  let onChange: (() => void) | undefined;

  server.on("connection", (socket: Socket) => {
    connections.add(socket);
    socket.once("close", () => {
      connections.delete(socket);
      onChange?.();
    });
  });
  // First of the request listeners, so the header is set before any handler can start the answer.
  server.prependListener("request", (_request, response) => {
    if (draining) response.setHeader("connection", "close");
    inFlight.add(response);
    response.once("close", () => {
      inFlight.delete(response);
      onChange?.();
    });
  });

  /** Resolves once `done()` holds or `ms` have passed. */
  async function waitUntil(done: () => boolean, ms: number): Promise<void> {
    if (done() || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      onChange = () => {
        if (done()) resolve();
      };
      timer = setTimeout(resolve, ms);
    });
    onChange = undefined;
    clearTimeout(timer);
  }

  return {
    get inFlight() {
      return inFlight.size;
    },
    async drain(timeoutMs: number): Promise<DrainResult> {
      const deadline = Date.now() + timeoutMs;
      draining = true;
      for (const response of inFlight) {
        if (!response.headersSent) response.setHeader("connection", "close");
      }
      // net.Server's own close: stop listening. http.Server#close would also close the idle
      // connections at once, under requests already on their way (see idleGraceMs).
      NetServer.prototype.close.call(server);
      await waitUntil(() => connections.size === 0, Math.min(idleGraceMs, timeoutMs));
      server.closeIdleConnections();
      await waitUntil(() => inFlight.size === 0, deadline - Date.now());
      const cutOff = inFlight.size;
      server.closeAllConnections();
      return { cutOff };
    },
  };
}
