export interface Answer {
  status: number;
  body: Record<string, any>;
  etag: string | null;
}

/** A JSON client of one app: `http('POST', '/demands', body, headers)`. */
export function jsonClient(api: string) {
  return async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer> => {
    const response = await fetch(`${api}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, any>) : {},
      etag: response.headers.get('etag'),
    };
  };
}
