import { type DualProtocolListener, listen, type RequestHandler } from './listener.js';
import { SimulatorConfigError } from './validation.js';

/** A region's own port, as `list()` reports it. */
export interface RegionalPort {
  region: string;
  url: string;
  /** False while the region is down: connections to its port are refused. */
  up: boolean;
}

// Lower-case letters, digits and hyphens, as in every AWS region name (`us-east-1`, `us-gov-west-1`).
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * Optional per-region ports. On the main port a request's region comes from its signature; a
 * region's own port serves that region only, so it can be taken down: connections are then
 * refused (`ECONNREFUSED`), exactly what a client sees when a region's endpoint is unreachable,
 * and brought back up on the same port.
 */
export class RegionalPorts {
  private readonly ports = new Map<string, { port: number; url: string; listener?: DualProtocolListener }>();

  constructor(
    private readonly handlerFor: (region: string) => RequestHandler,
    private readonly host: string,
    private readonly keepAliveTimeoutMs?: number,
  ) {}

  /** The region's own URL, opening its port on first use. */
  async url(region: string): Promise<string> {
    const entry = this.ports.get(checked(region));
    if (entry) return entry.url;
    const listener = await listen(this.handlerFor(region), 0, this.host, this.keepAliveTimeoutMs);
    this.ports.set(region, { port: listener.port, url: listener.url, listener });
    return listener.url;
  }

  /** Takes a region down: open connections are cut and new ones refused until {@link up}. */
  async down(region: string): Promise<void> {
    const entry = this.known(region);
    const listener = entry.listener;
    entry.listener = undefined;
    await listener?.close();
  }

  /** Brings a region back up on the same port. */
  async up(region: string): Promise<void> {
    const entry = this.known(region);
    entry.listener ??= await listen(this.handlerFor(region), entry.port, this.host, this.keepAliveTimeoutMs);
  }

  /** Every region that has its own port. */
  list(): RegionalPort[] {
    return [...this.ports].map(([region, entry]) => ({
      region,
      url: entry.url,
      up: entry.listener !== undefined,
    }));
  }

  /** Closes every regional port. */
  async close(): Promise<void> {
    await Promise.all([...this.ports.values()].map((entry) => entry.listener?.close()));
    this.ports.clear();
  }

  private known(region: string) {
    const entry = this.ports.get(checked(region));
    if (!entry) {
      throw new SimulatorConfigError(
        `region ${region} has no port of its own yet; call regions.url('${region}') first`,
      );
    }
    return entry;
  }
}

function checked(region: string): string {
  if (!REGION_NAME.test(region)) {
    throw new SimulatorConfigError(`"${region}" is not a region name; expected something like us-east-1`);
  }
  return region;
}
