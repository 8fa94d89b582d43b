import { EVENT_CATALOG } from './event-catalog';
import { guichetConsumerGroup, guichetDeliveryTopic, TOPIC_SPECS, Topics } from './topics';

describe('topics', () => {
  it('gives each guichet its own delivery log and consumer group', () => {
    expect(guichetDeliveryTopic('10691')).toBe('sne.guichet.10691.deliveries.v1');
    expect(guichetConsumerGroup('75A12')).toBe('sne.guichet.75A12');
  });

  it('refuses a guichet code that is not 5 characters of digits or capitals', () => {
    expect(() => guichetDeliveryTopic('1069')).toThrow('invalid guichet code');
    expect(() => guichetDeliveryTopic('10691.x')).toThrow('invalid guichet code');
  });

  it('has a spec for every topic and a topic for every catalogued event', () => {
    expect(TOPIC_SPECS.map((spec) => spec.name).sort()).toEqual(Object.values(Topics).sort());
    const topics = new Set(Object.values(Topics) as string[]);
    expect(EVENT_CATALOG.filter((entry) => !topics.has(entry.topic))).toEqual([]);
  });

  it('names event types in one scheme', () => {
    for (const entry of EVENT_CATALOG) {
      expect(entry.type).toMatch(/^sne\.[a-z-]+\.[a-z-]+\.v\d+$/);
    }
  });
});
