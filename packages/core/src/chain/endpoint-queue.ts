import type { Endpoint } from './endpoint.js';

/** The endpoints of a request, handed out in order to whichever lane asks next. */
export class EndpointQueue {
  private taken = 0;

  constructor(private readonly order: readonly Endpoint[]) {}

  /** The next endpoint and its index in the order, or `undefined` when none is left. */
  take(): { endpoint: Endpoint; index: number } | undefined {
    const endpoint = this.order[this.taken];
    return endpoint && { endpoint, index: this.taken++ };
  }

  /** The endpoint `take()` would return. */
  peek(): Endpoint | undefined {
    return this.order[this.taken];
  }
}
