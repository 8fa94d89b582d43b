/**
 * A browser as few as the sign-in flows need: its cookies (every cookie sent to every loopback
 * port, as browsers do for one host), redirects followed by hand so a test sees each hop.
 */
export class Browser {
  private readonly cookies = new Map<string, string>();

  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        ...(init.headers as Record<string, string>),
        ...(this.cookies.size > 0 ? { cookie: this.cookieHeader() } : {}),
      },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(cookie))
        this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
    return response;
  }

  /**
   * Follows redirects while `stay(url)` says so (every one by default); gives the last answer, or
   * the first address it was not to follow.
   */
  async follow(
    url: string,
    init: RequestInit = {},
    stay: (next: URL) => boolean = () => true,
  ): Promise<Response | URL> {
    let response = await this.get(url, init);
    for (let hops = 0; hops < 12 && [302, 303].includes(response.status); hops++) {
      const next = new URL(response.headers.get('location') as string, url);
      if (!stay(next)) return next;
      url = next.href;
      response = await this.get(url);
    }
    return response;
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** Signs in at the provider's page a redirect led to, and follows the way back. */
export async function signInAt(
  browser: Browser,
  form: Response,
  login: string,
  password: string,
): Promise<Response | URL> {
  const action = /action="([^"]+)"/.exec(await form.text())?.[1];
  if (!action) throw new Error(`no sign-in form at ${form.url}`);
  return browser.follow(new URL(action, form.url).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login, password }).toString(),
  });
}
