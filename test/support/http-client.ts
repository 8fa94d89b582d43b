export interface Answer {
  status: number;
  /** The JSON body; `{}` when the answer is empty or not JSON (then see `bytes`). */
  body: Record<string, any>;
  etag: string | null;
  type: string | null;
  bytes: Buffer;
}

/** A client of one app's HTTP API: `http('POST', '/demands', body, headers)`. */
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
    const bytes = Buffer.from(await response.arrayBuffer());
    const type = response.headers.get('content-type');
    return {
      status: response.status,
      body:
        type?.includes('json') && bytes.length > 0
          ? (JSON.parse(bytes.toString('utf8')) as Record<string, any>)
          : {},
      etag: response.headers.get('etag'),
      type,
      bytes,
    };
  };
}
