// The GraphQL client: plain fetch against /graphql, the bearer token kept in
// sessionStorage, and errors turned into ApiError values whose message a
// person can act on.

export const TOKEN_KEY = 'lineage.token';

// Whether the server refused this tab's token (see tokenRefused).
let refused = false;

/** ApiError is a failed request: the server's message, its code, and where. */
export class ApiError extends Error {
  /** code is the server's extensions.code (lower-cased), "network" or "http". */
  code: string;
  /** field is the input field at fault, when the server named one. */
  field?: string;
  /** status is the HTTP status, 0 when the server could not be reached. */
  status: number;
  constructor(message: string, code: string, status: number, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.field = field;
  }
  /** unauthorized reports whether a (better) token would help. */
  get unauthorized(): boolean {
    return (
      this.status === 401 ||
      this.status === 403 ||
      ['unauthorized', 'unauthenticated', 'forbidden', 'eunauthorized'].includes(this.code)
    );
  }
  /** notFound reports whether the named object does not exist. */
  get notFound(): boolean {
    return this.code === 'not_found' || this.code === 'enotfound' || this.code === 'notfound';
  }
}

/** getToken returns the token of this browser tab, or "". */
export function getToken(): string {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

/** setToken keeps the token for this browser tab only; "" forgets it. */
export function setToken(token: string): void {
  refused = false;
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Storage disabled: the token lives as long as the request that needs it.
  }
}

type TokenAsker = (reason: string) => Promise<string | null>;
let askToken: TokenAsker | null = null;

/**
 * setTokenAsker installs the function that prompts for a token (the
 * TokenPrompt dialog). It resolves with the token, or null when the person
 * cancels.
 */
export function setTokenAsker(fn: TokenAsker | null): void {
  askToken = fn;
}

interface GraphQLErrorJSON {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string };
}

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLErrorJSON[];
}

/** Options for gql. */
export interface GqlOptions {
  /** auth sends the token and, on an authorization error, asks for one and retries. */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * tokenRefused reports whether the server refused this tab's token on the
 * last request that sent it. Read pages then go on without the token (reads
 * are open) and the header says the token was refused.
 */
export function tokenRefused(): boolean {
  return refused;
}
function setRefused(v: boolean): void {
  if (refused === v) return;
  refused = v;
  window.dispatchEvent(new Event('lineage:token-changed'));
}

async function send<T>(query: string, variables: Record<string, unknown>, opts: GqlOptions, withToken = true): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  const token = withToken ? getToken() : '';
  if (token) headers.Authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      signal: opts.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(
      'The lineage server could not be reached. Check that `lineage serve` is running, then retry.',
      'network',
      0,
    );
  }
  if (token) {
    // 401 with a token sent: the server does not know this token.
    setRefused(res.status === 401);
    if (res.status === 401 && !opts.auth) {
      // A wrong token never breaks a read: reads are open, so ask again
      // without it (a server that requires tokens for reads refuses that
      // too, and says so).
      return send<T>(query, variables, opts, false);
    }
  }
  let body: GraphQLResponse<T> | null = null;
  const text = await res.text();
  try {
    body = text ? (JSON.parse(text) as GraphQLResponse<T>) : null;
  } catch {
    body = null;
  }
  if (body?.errors?.length) {
    const e = body.errors[0];
    const code = (e.extensions?.code ?? '').toLowerCase();
    const more = body.errors.length > 1 ? ` (and ${body.errors.length - 1} more)` : '';
    throw new ApiError(e.message + more, code, res.status, e.extensions?.field);
  }
  if (!res.ok) {
    const msg =
      res.status === 401
        ? 'This action needs an API token.'
        : `The server answered ${res.status} ${res.statusText}${text && text.length < 300 ? `: ${text.trim()}` : ''}.`;
    throw new ApiError(msg, 'http', res.status);
  }
  if (!body || body.data == null) {
    throw new ApiError('The server sent an empty answer. Retry; if it persists, check the server log.', 'http', res.status);
  }
  return body.data;
}

/**
 * gql runs one GraphQL operation. With opts.auth, an authorization error
 * opens the token prompt and the operation is retried once with the new token.
 */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, opts: GqlOptions = {}): Promise<T> {
  try {
    return await send<T>(query, variables, opts);
  } catch (e) {
    if (opts.auth && e instanceof ApiError && e.unauthorized && askToken) {
      // The server's message says where its token is when it knows (the
      // local token lineage serve makes on a laptop).
      const i = e.message.indexOf('This server ');
      const hint = i >= 0 ? ` ${e.message.slice(i)}` : '';
      const reason = getToken()
        ? `The server refused the token: ${e.message}`
        : `Starting, syncing, reminding and cancelling campaigns needs an API token.${hint}`;
      const token = await askToken(reason);
      if (token) {
        setToken(token);
        return send<T>(query, variables, opts);
      }
    }
    throw e;
  }
}
