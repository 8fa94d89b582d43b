import type { Redis } from 'ioredis';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Models whose records are looked up by a grant, so that revoking the grant finds them all. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'ClientCredentials',
  'BackchannelAuthenticationRequest',
]);

/**
 * oidc-provider's storage on Redis: one JSON value per record with the record's own expiry, grant
 * and uid indexes beside it. Clients (model `Client`) live here too, with no expiry: removing one
 * refuses its next token request at once.
 */
export function redisAdapterFactory(redis: Redis, prefix: string): new (model: string) => Adapter {
  return class RedisAdapter implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string): string {
      return `${prefix}oidc:${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      const write = redis.multi();
      if (expiresIn) write.set(key, JSON.stringify(payload), 'EX', expiresIn);
      else write.set(key, JSON.stringify(payload));
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const grantKey = `${prefix}oidc:grant:${payload.grantId}`;
        write.rpush(grantKey, key);
        if (expiresIn) write.expire(grantKey, expiresIn, 'GT');
      }
      if (payload.uid) {
        const uidKey = `${prefix}oidc:uid:${payload.uid}`;
        if (expiresIn) write.set(uidKey, id, 'EX', expiresIn);
        else write.set(uidKey, id);
      }
      if (payload.userCode) {
        const codeKey = `${prefix}oidc:userCode:${payload.userCode}`;
        if (expiresIn) write.set(codeKey, id, 'EX', expiresIn);
        else write.set(codeKey, id);
      }
      await write.exec();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const value = await redis.get(this.key(id));
      return value ? (JSON.parse(value) as AdapterPayload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(`${prefix}oidc:uid:${uid}`);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(`${prefix}oidc:userCode:${userCode}`);
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      const key = this.key(id);
      const value = await redis.get(key);
      if (!value) return;
      const ttl = await redis.ttl(key);
      const consumed = {
        ...(JSON.parse(value) as AdapterPayload),
        consumed: Math.floor(Date.now() / 1000),
      };
      if (ttl > 0) await redis.set(key, JSON.stringify(consumed), 'EX', ttl);
      else await redis.set(key, JSON.stringify(consumed));
    }

    async destroy(id: string): Promise<void> {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const grantKey = `${prefix}oidc:grant:${grantId}`;
      const keys = await redis.lrange(grantKey, 0, -1);
      await redis.del(...keys, grantKey);
    }
  };
}
