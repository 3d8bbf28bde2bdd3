import type { Server, ServerResponse } from "node:http";

export interface DrainResult {
  /** Requests still unanswered at the deadline, whose connections were closed under them. */
  cutOff: number;
}

/**
 * A graceful stop for a Node HTTP server behind keep-alive clients (a proxy's upstream pool, a
 * till's HTTP client). `server.close()` alone stops accepting new connections but keeps serving
 * the open ones for as long as their clients keep sending: ten keep-alive clients kept a server
 * answering for 20 s after SIGTERM (issue 16). `drain()`:
 * - stops accepting connections;
 * - answers every request from now on, and every one in flight whose answer has not started, with
 *   `Connection: close`, so its connection ends right after the answer, never in the middle of it;
 * - closes the keep-alive connections that are idle now (`closeIdleConnections`);
 * - waits for the requests in flight until the deadline, then closes whatever is left
 *   (`closeAllConnections`).
 */
export function trackRequests(server: Server) {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  let allAnswered: (() => void) | undefined;

  // First of the request listeners, so the header is set before any handler can start the answer.
  server.prependListener("request", (_request, response) => {
    if (draining) response.setHeader("connection", "close");
    inFlight.add(response);
    response.once("close", () => {
      inFlight.delete(response);
      if (inFlight.size === 0) allAnswered?.();
    });
  });

  return {
    get inFlight() {
      return inFlight.size;
    },
    async drain(timeoutMs: number): Promise<DrainResult> {
      draining = true;
      for (const response of inFlight) {
        if (!response.headersSent) response.setHeader("connection", "close");
      }
      server.close();
      server.closeIdleConnections();
      if (inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await new Promise<void>((resolve) => {
          allAnswered = resolve;
          timer = setTimeout(resolve, timeoutMs);
        });
        clearTimeout(timer);
      }
      const cutOff = inFlight.size;
      // Answered requests leave nothing behind but idle connections; past the deadline, the rest too.
      server.closeAllConnections();
      return { cutOff };
    },
  };
}
