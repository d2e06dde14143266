import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The `http://127.0.0.1:<port>` address a listening server answers on. */
export function serverEndpoint(server: Server): string {
  const address = server.address() as AddressInfo | string | null;
  if (!address || typeof address === 'string') throw new Error('server is not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Stops the server. SDK clients keep sockets alive, and `close` alone waits for them to end, so idle
 * and open connections are cut first.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
