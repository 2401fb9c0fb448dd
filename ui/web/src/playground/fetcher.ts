// The playground's fetcher: POST /graphql on this server, with the headers
// typed in the editor. Nothing is fetched from anywhere else.

export interface FetchParams {
  query: string;
  operationName?: string | null;
  variables?: unknown;
}

export interface FetchOpts {
  headers?: Record<string, unknown>;
}

/**
 * createFetcher returns GraphiQL's fetcher for endpoint. Every answer is
 * returned as GraphQL JSON, also a refused token (401 carries a GraphQL
 * error body); a body that is not JSON becomes an error saying what came back.
 */
export function createFetcher(endpoint: string, fetchFn: typeof fetch = (...a) => fetch(...a)) {
  return async (params: FetchParams, opts?: FetchOpts): Promise<Record<string, unknown>> => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    for (const [k, v] of Object.entries(opts?.headers ?? {})) {
      if (v !== undefined && v !== null) headers[k] = String(v);
    }
    const res = await fetchFn(endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: params.query, operationName: params.operationName ?? undefined, variables: params.variables ?? undefined }),
      credentials: 'same-origin',
    });
    const text = await res.text();
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return { errors: [{ message: `The server answered ${res.status} ${res.statusText} with a body that is not JSON: ${text.slice(0, 200)}` }] };
    }
  };
}
