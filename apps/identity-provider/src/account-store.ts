import type { Redis } from 'ioredis';
import { hashPassword, passwordMatches, type Person } from './accounts';

/** A hash to compare against when the login is unknown: the answer takes as long either way. */
const UNKNOWN_LOGIN_HASH = hashPassword('no such account');

/** The people who sign in at the provider, with their password hashes, in its Redis. */
export class AccountStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(login: string): string {
    return `${this.prefix}account:${login}`;
  }

  async add(person: Person, password: string): Promise<void> {
    if (password.length < 12) throw new Error('a password of 12 characters or more');
    await this.redis.set(
      this.key(person.login),
      JSON.stringify({ person, hash: await hashPassword(password) }),
    );
  }

  async remove(login: string): Promise<boolean> {
    return (await this.redis.del(this.key(login))) === 1;
  }

  async find(login: string): Promise<Person | undefined> {
    const stored = await this.redis.get(this.key(login));
    return stored ? (JSON.parse(stored) as { person: Person }).person : undefined;
  }

  /** The person, if the password is theirs; nothing tells an unknown login from a wrong password. */
  async authenticate(login: string, password: string): Promise<Person | undefined> {
    const stored = await this.redis.get(this.key(login));
    if (!stored) {
      await passwordMatches(password, await UNKNOWN_LOGIN_HASH);
      return undefined;
    }
    const { person, hash } = JSON.parse(stored) as { person: Person; hash: string };
    return (await passwordMatches(password, hash)) ? person : undefined;
  }
}
