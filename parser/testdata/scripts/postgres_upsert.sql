-- dialect: postgres
-- Postgres: INSERT ... ON CONFLICT, UPDATE ... FROM, DELETE ... USING, casts.
INSERT INTO public.daily_balances AS b (account_id, day, balance)
SELECT t.account_id, t.ts::date, sum(t.amount)::numeric(18,2)
FROM ledger.transactions t
WHERE t.ts >= now() - interval '2 days'
GROUP BY 1, 2
ON CONFLICT (account_id, day) DO UPDATE SET balance = EXCLUDED.balance
RETURNING account_id;

UPDATE public.accounts a
SET last_balance = b.balance, updated_at = now()
FROM public.daily_balances b
WHERE a.id = b.account_id AND b.day = current_date;

DELETE FROM public.sessions s
USING public.accounts a
WHERE s.account_id = a.id AND a.closed;

SELECT * INTO archive.closed_accounts_2024 FROM public.accounts WHERE closed;
