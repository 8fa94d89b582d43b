import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { checkAddress, type OutboundPolicy } from './address-policy';

/** An outbound call the policy refused: the reason says which address class. */
export class OutboundRefusedError extends Error {
  readonly code = 'EOUTBOUNDREFUSED';
  constructor(readonly reason: string) {
    super(`outbound call refused: ${reason}`);
    this.name = 'OutboundRefusedError';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

export type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void;

type AllLookup = (hostname: string) => Promise<LookupAddress[]>;

const systemLookupAll: AllLookup = (hostname) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/**
 * Every address a name resolves to, refused (OutboundRefusedError) when any of them is not
 * allowed: one private answer among public ones is how a rebinding name gets through.
 */
export async function resolveAllowed(
  hostname: string,
  policy: OutboundPolicy,
  lookupAll: AllLookup = systemLookupAll,
): Promise<LookupAddress[]> {
  const addresses = await lookupAll(hostname);
  if (addresses.length === 0) throw new OutboundRefusedError(`${hostname} resolves to nothing`);
  for (const { address } of addresses) {
    const verdict = checkAddress(address, policy);
    if (!verdict.allowed)
      throw new OutboundRefusedError(`${hostname} resolves to ${verdict.reason}`);
  }
  return addresses;
}

/**
 * A `lookup` for net/tls/http agents: the addresses are checked when the socket is about to
 * connect, so a name that resolved to a public address at save time and to a private one now
 * (DNS rebinding) is refused on the address actually connected to.
 */
export function guardedLookup(
  policy: OutboundPolicy,
  lookupAll: AllLookup = systemLookupAll,
): Lookup {
  return (hostname, options, callback) => {
    resolveAllowed(hostname, policy, lookupAll).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? options.family : undefined;
        const matching = wanted ? addresses.filter((entry) => entry.family === wanted) : addresses;
        if (matching.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`no IPv${wanted} address for ${hostname}`);
          error.code = 'ENOTFOUND';
          callback(error, []);
          return;
        }
        if (options.all) callback(null, matching);
        else callback(null, matching[0].address, matching[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
