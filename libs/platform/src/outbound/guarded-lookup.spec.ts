import type { LookupAddress, LookupOptions } from 'node:dns';
import { guardedLookup, OutboundRefusedError, resolveAllowed } from './guarded-lookup';

const production = { allowLoopback: false };
const answers =
  (...addresses: string[]) =>
  (): Promise<LookupAddress[]> =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );

const lookupWith = (
  lookup: ReturnType<typeof guardedLookup>,
  hostname: string,
  options: LookupOptions,
) =>
  new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family?: number }>(
    (resolve) =>
      lookup(hostname, options, (error, address, family) => resolve({ error, address, family })),
  );

describe('resolveAllowed', () => {
  it('refuses a name that resolves to a forbidden address, naming it', async () => {
    await expect(resolveAllowed('evil.example', production, answers('127.0.0.1'))).rejects.toThrow(
      new OutboundRefusedError('evil.example resolves to loopback address 127.0.0.1'),
    );
  });

  it('refuses a name with one forbidden answer among public ones', async () => {
    await expect(
      resolveAllowed('mixed.example', production, answers('93.184.216.34', '10.0.0.5')),
    ).rejects.toThrow('mixed.example resolves to private address 10.0.0.5');
  });

  it('refuses a name without any answer', async () => {
    await expect(resolveAllowed('empty.example', production, answers())).rejects.toThrow(
      'empty.example resolves to nothing',
    );
  });

  it('returns the answers of a public name', async () => {
    await expect(
      resolveAllowed('ok.example', production, answers('93.184.216.34', '2606:4700::1111')),
    ).resolves.toHaveLength(2);
  });
});

describe('guardedLookup', () => {
  it('answers in the form asked: one address, all, or one family', async () => {
    const lookup = guardedLookup(production, answers('93.184.216.34', '2606:4700::1111'));
    expect(await lookupWith(lookup, 'ok.example', {})).toEqual({
      error: null,
      address: '93.184.216.34',
      family: 4,
    });
    expect((await lookupWith(lookup, 'ok.example', { all: true })).address).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:4700::1111', family: 6 },
    ]);
    expect(await lookupWith(lookup, 'ok.example', { family: 6 })).toEqual({
      error: null,
      address: '2606:4700::1111',
      family: 6,
    });
    expect((await lookupWith(lookup, 'ok.example', { family: 6, all: true })).address).toEqual([
      { address: '2606:4700::1111', family: 6 },
    ]);
  });

  it('checks on each lookup: a name rebound to a private address is refused', async () => {
    let current = '93.184.216.34';
    const lookup = guardedLookup(production, () =>
      Promise.resolve([{ address: current, family: 4 }]),
    );
    expect((await lookupWith(lookup, 'rebind.example', {})).error).toBeNull();
    current = '169.254.169.254';
    const { error } = await lookupWith(lookup, 'rebind.example', {});
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect((error as OutboundRefusedError).reason).toBe(
      'rebind.example resolves to metadata address 169.254.169.254',
    );
  });

  it('passes resolver errors on', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere'), {
      code: 'ENOTFOUND',
    });
    const lookup = guardedLookup(production, () => Promise.reject(failure));
    expect((await lookupWith(lookup, 'nowhere', {})).error).toBe(failure);
  });
});
