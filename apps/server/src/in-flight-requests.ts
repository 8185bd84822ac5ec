import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NodeResponse } from '@bedrock-ha/express';

/**
 * Counts the requests being answered, so a shutdown can wait for them (streams included) and
 * knows when the last one is done.
 */
export class InFlightRequests {
  private count = 0;
  private draining = false;
  private readonly idleWaiters = new Set<() => void>();

  /** The number of requests not yet answered in full. */
  get size(): number {
    return this.count;
  }

  /**
   * Connect middleware: counts the request until its response closes. While draining, every
   * answer carries `Connection: close`, so keep-alive clients move to another instance.
   */
  readonly middleware = (_request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    this.track(response);
    if (this.draining) response.setHeader('connection', 'close');
    next();
  };

  /**
   * Counts a request until its response closes. HTTP/2 requests come here directly: their session's
   * GOAWAY, not a header, tells the client to move on.
   */
  track(response: NodeResponse): void {
    this.count++;
    response.once('close', () => {
      this.count--;
      if (this.count === 0) for (const waiter of this.idleWaiters) waiter();
    });
  }

  /**
   * Resolves `true` once no request is in flight, or `false` when `timeoutMs` passes first. From
   * the first call, new answers close their connection.
   */
  drain(timeoutMs: number): Promise<boolean> {
    this.draining = true;
    if (this.count === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (idle: boolean) => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = () => finish(true);
      const timer = setTimeout(() => finish(false), timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }
}
