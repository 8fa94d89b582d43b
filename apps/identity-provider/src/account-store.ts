import type { Redis } from 'ioredis';
import {
  type AgentIdentity,
  hashPassword,
  isAgent,
  passwordMatches,
  type Person,
} from './accounts';

/** A hash to compare against when the login is unknown: the answer takes as long either way. */
const UNKNOWN_LOGIN_HASH = hashPassword('no such account');

interface StoredAccount {
  readonly person: Person;
  /** Absent for an agent who signs in through ProConnect only. */
  readonly hash?: string;
  /** The last (identity provider, `sub`) pair ProConnect gave for the person: for the trail. */
  readonly lastProConnect?: { readonly idpId: string; readonly sub: string; readonly at: string };
}

/** The people who sign in at the provider, with their password hashes, in its Redis. */
export class AccountStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(login: string): string {
    return `${this.prefix}account:${login}`;
  }

  private emailKey(email: string): string {
    return `${this.prefix}account-email:${email}`;
  }

  /**
   * Adds or replaces a person: with a password (12 characters or more), or without one for an
   * agent signing in through ProConnect. One e-mail belongs to one person.
   */
  async add(person: Person, password?: string): Promise<void> {
    if (password === undefined && !person.proconnect)
      throw new Error('a password, or a ProConnect e-mail to sign in with');
    if (password !== undefined && password.length < 12)
      throw new Error('a password of 12 characters or more');
    const email = person.proconnect?.email;
    if (email) {
      const owner = await this.redis.get(this.emailKey(email));
      if (owner && owner !== person.login)
        throw new Error(`the e-mail ${email} is already the account ${owner}'s`);
    }
    const previous = await this.stored(person.login);
    const account: StoredAccount = {
      person,
      ...(password !== undefined ? { hash: await hashPassword(password) } : {}),
    };
    const write = this.redis.multi().set(this.key(person.login), JSON.stringify(account));
    const previousEmail = previous?.person.proconnect?.email;
    if (previousEmail && previousEmail !== email) write.del(this.emailKey(previousEmail));
    if (email) write.set(this.emailKey(email), person.login);
    await write.exec();
  }

  async remove(login: string): Promise<boolean> {
    const previous = await this.stored(login);
    const email = previous?.person.proconnect?.email;
    if (email) await this.redis.del(this.emailKey(email));
    return (await this.redis.del(this.key(login))) === 1;
  }

  async find(login: string): Promise<Person | undefined> {
    return (await this.stored(login))?.person;
  }

  /** The person, if the password is theirs; nothing tells an unknown login from a wrong password. */
  async authenticate(login: string, password: string): Promise<Person | undefined> {
    const stored = await this.stored(login);
    if (!stored?.hash) {
      await passwordMatches(password, await UNKNOWN_LOGIN_HASH);
      return undefined;
    }
    return (await passwordMatches(password, stored.hash)) ? stored.person : undefined;
  }

  /**
   * The person ProConnect's agent is (same e-mail, one of their SIRETs), with the name ProConnect
   * gives; the (identity provider, `sub`) pair is recorded.
   */
  async findAgent(agent: AgentIdentity, now: Date): Promise<Person | undefined> {
    const login = await this.redis.get(this.emailKey(agent.email.toLowerCase()));
    const stored = login ? await this.stored(login) : undefined;
    if (!stored || !isAgent(stored.person, agent)) return undefined;
    const name = agent.name?.trim().slice(0, 120);
    const person: Person = name ? { ...stored.person, name } : stored.person;
    const account: StoredAccount = {
      ...stored,
      person,
      lastProConnect: { idpId: agent.idpId, sub: agent.sub, at: now.toISOString() },
    };
    await this.redis.set(this.key(person.login), JSON.stringify(account));
    return person;
  }

  private async stored(login: string): Promise<StoredAccount | undefined> {
    const stored = await this.redis.get(this.key(login));
    return stored ? (JSON.parse(stored) as StoredAccount) : undefined;
  }
}
