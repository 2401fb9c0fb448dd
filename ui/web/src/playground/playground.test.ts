import { describe, expect, it, vi } from 'vitest';
import { createFetcher } from './fetcher';
import { headerFreeStorage, withoutHeaders } from './storage';
import examples from './examples.graphql?raw';
import { schemaErrors } from '../test/graphql';

const TOKEN = 'Bearer s3cret-token-0123456789';

describe('headerFreeStorage', () => {
  it('never stores the headers editor or the persist-headers switch', () => {
    localStorage.clear();
    const s = headerFreeStorage(localStorage);
    s.setItem('graphiql:headers', `{"Authorization": "${TOKEN}"}`);
    s.setItem('graphiql:shouldPersistHeaders', 'true');
    expect(localStorage.getItem('graphiql:headers')).toBeNull();
    expect(s.getItem('graphiql:headers')).toBeNull();
    expect(localStorage.getItem('graphiql:shouldPersistHeaders')).toBeNull();
  });

  it('strips headers from tab state and history, keeping the rest', () => {
    localStorage.clear();
    const s = headerFreeStorage(localStorage);
    const tabs = {
      tabs: [{ id: '1', title: 'Downstream', query: '{ a }', variables: '{}', headers: `{"Authorization":"${TOKEN}"}` }],
      activeTabIndex: 0,
    };
    s.setItem('graphiql:tabState', JSON.stringify(tabs));
    s.setItem('graphiql:queries', JSON.stringify({ queries: [{ query: '{ a }', headers: `{"Authorization":"${TOKEN}"}` }] }));
    const all = JSON.stringify({ ...localStorage });
    expect(all).not.toContain('s3cret');
    const stored = JSON.parse(localStorage.getItem('graphiql:tabState')!);
    expect(stored.tabs[0]).toEqual({ id: '1', title: 'Downstream', query: '{ a }', variables: '{}' });
  });

  it('removes header keys an older page left behind', () => {
    localStorage.clear();
    localStorage.setItem('graphiql:headers', `{"Authorization":"${TOKEN}"}`);
    localStorage.setItem('graphiql:query', '{ a }');
    headerFreeStorage(localStorage);
    expect(localStorage.getItem('graphiql:headers')).toBeNull();
    expect(localStorage.getItem('graphiql:query')).toBe('{ a }');
  });

  it('keeps text that is not JSON as it is', () => {
    expect(withoutHeaders('query { headers }')).toBe('query { headers }');
    expect(withoutHeaders('"a string"')).toBe('"a string"');
  });

  it('works in memory when there is no localStorage', () => {
    const s = headerFreeStorage(undefined);
    s.setItem('graphiql:query', '{ a }');
    expect(s.getItem('graphiql:query')).toBe('{ a }');
    expect(s.length).toBe(1);
  });
});

describe('createFetcher', () => {
  it('posts to the endpoint with the editor headers and returns the JSON, also for 401', async () => {
    const fetchFn = vi.fn(async () => new Response('{"errors":[{"message":"The bearer token is not known to this server."}]}', { status: 401 }));
    const f = createFetcher('/graphql', fetchFn as unknown as typeof fetch);
    const r = await f({ query: '{ a }', operationName: 'A' }, { headers: { Authorization: TOKEN } });
    expect(r).toEqual({ errors: [{ message: 'The bearer token is not known to this server.' }] });
    const [url, init] = fetchFn.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect((init.headers as Record<string, string>).Authorization).toBe(TOKEN);
    expect(JSON.parse(init.body as string)).toEqual({ query: '{ a }', operationName: 'A' });
  });

  it('turns a body that is not JSON into an error saying what came back', async () => {
    const f = createFetcher('/graphql', (async () => new Response('bad gateway', { status: 502, statusText: 'Bad Gateway' })) as typeof fetch);
    const r = await f({ query: '{ a }' });
    expect(JSON.stringify(r)).toMatch(/502 Bad Gateway.*bad gateway/);
  });
});

describe('examples', () => {
  it('name one operation per feature and say headers are never stored', () => {
    const ops = [...examples.matchAll(/^(query|mutation) (\w+)/gm)].map((m) => m[2]);
    expect(ops).toContain('Downstream');
    expect(new Set(ops).size).toBe(ops.length);
    expect(examples).toMatch(/never\s+# stores headers/);
  });
  it('are all operations the server accepts', () => {
    expect(schemaErrors(examples)).toEqual([]);
  });
});
