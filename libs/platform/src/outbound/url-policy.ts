import { isIP } from 'node:net';
import { checkAddress, type OutboundPolicy } from './address-policy';

export type UrlVerdict =
  | {
      readonly allowed: true;
      readonly url: URL;
      /** The host without brackets; `literal` when it is an IP address (no lookup then). */
      readonly host: string;
      readonly literal: boolean;
    }
  | { readonly allowed: false; readonly reason: string };

/**
 * The URL half of the outbound policy: https (http only with the development setting), no
 * credentials in it, and a host given as an IP literal checked at once. A host name is judged on
 * the addresses it resolves to (`resolveDestination`, and again at connect time).
 */
export function checkUrl(raw: string, policy: OutboundPolicy): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { allowed: false, reason: 'not a URL' };
  }
  const schemes = policy.allowLoopback ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return {
      allowed: false,
      reason: `scheme ${url.protocol.replace(/:$/, '')} refused: https only`,
    };
  }
  if (url.username || url.password) return { allowed: false, reason: 'credentials in the URL' };
  // WHATWG URL has already turned 0x7f.1, 2130706433 and the like into a dotted quad.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { allowed: false, reason: 'no host' };
  const literal = isIP(host) !== 0;
  if (literal) {
    const verdict = checkAddress(host, policy);
    if (!verdict.allowed) return verdict;
  }
  return { allowed: true, url, host, literal };
}
