-- Daily revenue journal lines for the general ledger, one per country.
DELETE FROM finance.gl_journal_lines WHERE journal_date = DATE '${ds}' AND source = 'shop';

INSERT INTO finance.gl_journal_lines (journal_date, source, account, country, debit_eur, credit_eur, memo)
WITH recognised AS (
    SELECT country, sum(net_eur) AS net_eur
    FROM finance.revenue_recognition
    WHERE recognised_on = DATE '${ds}'
    GROUP BY country
)
SELECT DATE '${ds}', 'shop', a.account, r.country,
       CASE WHEN a.side = 'debit' THEN r.net_eur ELSE 0 END,
       CASE WHEN a.side = 'credit' THEN r.net_eur ELSE 0 END,
       format('Recognised shop revenue %s', r.country)
FROM recognised r
CROSS JOIN finance.revenue_accounts a
WHERE a.active;

REFRESH MATERIALIZED VIEW CONCURRENTLY finance.gl_monthly_revenue;
