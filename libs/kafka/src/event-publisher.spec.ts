import { type RawMessage, splitBySize } from './event-publisher';

const message = (key: string, bytes: number): RawMessage => ({
  key,
  value: Buffer.alloc(bytes),
  headers: {},
});

describe(splitBySize.name, () => {
  it('keeps everything in one request while it fits', () => {
    const batches = [
      { topic: 'a', messages: [message('1', 10), message('2', 10)] },
      { topic: 'b', messages: [message('3', 10)] },
    ];
    expect(splitBySize(batches, 1_000)).toEqual([batches]);
  });

  it('cuts across and inside topics, each topic keeping its order, no request over the limit', () => {
    const a = Array.from({ length: 7 }, (_, i) => message(`a${i}`, 100));
    const b = Array.from({ length: 5 }, (_, i) => message(`b${i}`, 100));
    const requests = splitBySize(
      [
        { topic: 'a', messages: a },
        { topic: 'b', messages: b },
      ],
      400,
    );
    expect(requests.length).toBeGreaterThan(3);
    for (const request of requests) {
      const bytes = request
        .flatMap((batch) => batch.messages)
        .reduce((sum, m) => sum + m.value.length, 0);
      expect(bytes).toBeLessThanOrEqual(400);
      expect(request.every((batch) => batch.messages.length > 0)).toBe(true);
    }
    const keysOf = (topic: string) =>
      requests.flatMap((request) =>
        request.filter((batch) => batch.topic === topic).flatMap((batch) => batch.messages),
      );
    expect(keysOf('a')).toEqual(a);
    expect(keysOf('b')).toEqual(b);
  });

  it('sends a message larger than the limit alone', () => {
    const big = message('big', 5_000);
    const requests = splitBySize(
      [{ topic: 'a', messages: [message('1', 10), big, message('2', 10)] }],
      1_000,
    );
    expect(requests).toEqual([
      [{ topic: 'a', messages: [message('1', 10)] }],
      [{ topic: 'a', messages: [big] }],
      [{ topic: 'a', messages: [message('2', 10)] }],
    ]);
  });
});
