import { describe, expect, it } from 'vitest';
import { parseRoute, paths } from './router';

describe('parseRoute', () => {
  const cases: [string, ReturnType<typeof parseRoute>][] = [
    [paths.home(), { page: 'home' }],
    [paths.search('sales ord'), { page: 'search', q: 'sales ord' }],
    [paths.table('sales.orders'), { page: 'table', name: 'sales.orders' }],
    [paths.job('repo/etl/daily load.sql'), { page: 'job', id: 'repo/etl/daily load.sql' }],
    [paths.owner('team-payments'), { page: 'owner', handle: 'team-payments' }],
    [paths.campaigns(), { page: 'campaigns' }],
    [paths.newCampaign(), { page: 'newCampaign', table: '' }],
    [paths.newCampaign('a.b'), { page: 'newCampaign', table: 'a.b' }],
    [paths.newCampaign('a.b', ['status', 'x,y']), { page: 'newCampaign', table: 'a.b', columns: ['status', 'x,y'] }],
    [paths.column('dwd.fact_orders', 'status'), { page: 'column', table: 'dwd.fact_orders', column: 'status' }],
    [paths.column('a/b.c', 'we ird/col'), { page: 'column', table: 'a/b.c', column: 'we ird/col' }],
    ['/tables/dwd.fact_orders/columns', { page: 'table', name: 'dwd.fact_orders/columns' }],
    [paths.campaign('c-1'), { page: 'campaign', id: 'c-1' }],
    [paths.ticket('LIN-7'), { page: 'ticket', key: 'LIN-7' }],
    ['/tables/a%ZZ', { page: 'table', name: 'a%ZZ' }],
    ['/nowhere', { page: 'notFound', path: '/nowhere' }],
  ];
  for (const [url, want] of cases) {
    it(url, () => {
      const u = new URL(url, 'http://x');
      expect(parseRoute(u.pathname, u.search)).toEqual(want);
    });
  }
});
