import type { NodeResponse } from './node-message.js';

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
   * Counts a request until its response closes. While draining, every HTTP/1.1 answer carries
   * `Connection: close`, so keep-alive clients move to another instance; HTTP/2 sessions get a
   * GOAWAY instead, which tells the client the same.
   */
  track(response: NodeResponse): void {
    this.count++;
    if (this.draining && !('stream' in response)) response.setHeader('connection', 'close');
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
