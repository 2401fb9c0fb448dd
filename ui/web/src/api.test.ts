import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, getToken, gql, setToken, setTokenAsker, tokenRefused } from './api';
import { mockGraphQL } from './test/graphql';

/** failure returns the error a request fails with. */
function failure(p: Promise<unknown>): Promise<ApiError> {
  return p.then(
    () => {
      throw new Error('the request succeeded');
    },
    (e: ApiError) => e,
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  setTokenAsker(null);
});

describe('gql', () => {
  it('returns data', async () => {
    mockGraphQL({ Counts: () => ({ data: { counts: { tables: 1 } } }) });
    await expect(gql('query Counts { counts { tables } }')).resolves.toEqual({ counts: { tables: 1 } });
  });

  it('turns GraphQL errors into ApiError with code and field', async () => {
    mockGraphQL({
      Lineage: () => ({
        data: { lineage: null },
        errors: [{ message: 'depth: must be between 1 and 50, got 99', extensions: { code: 'BAD_USER_INPUT', field: 'depth' } }],
      }),
    });
    const err = await failure(gql('query Lineage { counts { tables } }'));
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('bad_user_input');
    expect(err.field).toBe('depth');
    expect(err.message).toContain('must be between 1 and 50');
  });

  it('says what to do when the server is down', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const err = await failure(gql('query X { counts { tables } }'));
    expect(err.code).toBe('network');
    expect(err.message).toMatch(/lineage serve/);
  });

  it('asks for a token on UNAUTHENTICATED and retries with it', async () => {
    const calls = mockGraphQL({
      Start: (_v, call) =>
        call.headers.Authorization === 'Bearer s3cret'
          ? { data: { ok: true } }
          : { data: null, errors: [{ message: 'A token is required.', extensions: { code: 'UNAUTHENTICATED' } }] },
    });
    const asker = vi.fn(async () => 's3cret');
    setTokenAsker(asker);
    await expect(gql('mutation Start { syncCampaign(id: "c1") { id } }', {}, { auth: true })).resolves.toEqual({ ok: true });
    expect(asker).toHaveBeenCalledOnce();
    expect(calls.map((c) => c.headers.Authorization)).toEqual([undefined, 'Bearer s3cret']);
    expect(getToken()).toBe('s3cret');
  });

  it('gives up when the prompt is cancelled', async () => {
    mockGraphQL({ Start: () => ({ errors: [{ message: 'A token is required.', extensions: { code: 'UNAUTHENTICATED' } }] }) });
    setTokenAsker(async () => null);
    const err = await failure(gql('mutation Start { syncCampaign(id: "c1") { id } }', {}, { auth: true }));
    expect(err.unauthorized).toBe(true);
  });

  it('does not prompt for reads', async () => {
    mockGraphQL({ Q: () => ({ errors: [{ message: 'no', extensions: { code: 'UNAUTHENTICATED' } }] }) });
    const asker = vi.fn(async () => 't');
    setTokenAsker(asker);
    await expect(gql('query Q { counts { tables } }')).rejects.toBeInstanceOf(ApiError);
    expect(asker).not.toHaveBeenCalled();
  });

  it('a wrong token never breaks a read: it is retried without the token and marked refused', async () => {
    setToken('wrong-token');
    const calls = mockGraphQL({
      Counts: (_v, call) =>
        call.headers.Authorization
          ? { status: 401, errors: [{ message: 'The bearer token is not known to this server.', extensions: { code: 'UNAUTHENTICATED' } }] }
          : { data: { counts: { tables: 3 } } },
    });
    const changed = vi.fn();
    window.addEventListener('lineage:token-changed', changed);
    await expect(gql('query Counts { counts { tables } }')).resolves.toEqual({ counts: { tables: 3 } });
    window.removeEventListener('lineage:token-changed', changed);
    expect(calls.map((c) => c.headers.Authorization)).toEqual(['Bearer wrong-token', undefined]);
    expect(tokenRefused()).toBe(true);
    expect(changed).toHaveBeenCalled();
    setToken('');
    expect(tokenRefused()).toBe(false);
  });

  it('reports a non-JSON failure with its status', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('upstream down', { status: 502, statusText: 'Bad Gateway' })));
    const err = await failure(gql('query X { counts { tables } }'));
    expect(err.status).toBe(502);
    expect(err.message).toContain('502');
  });
});
