-- dialect: postgres
-- schema: {"public.accounts": ["id", "owner_id", "owner_name", "balance"], "public.users": ["id", "name", "disabled"], "public.ledger": ["account_id", "amount"]}
-- UPDATE ... FROM, UPDATE with a correlated subquery, DELETE ... USING,
-- and a temporary table resolved through.
UPDATE public.accounts a
SET owner_name = u.name
FROM public.users u
WHERE u.id = a.owner_id AND u.disabled = false;

UPDATE public.accounts
SET balance = (SELECT sum(l.amount) FROM public.ledger l WHERE l.account_id = accounts.id);

CREATE TEMP TABLE tmp_gone AS SELECT id FROM public.users WHERE disabled;

DELETE FROM public.accounts a USING tmp_gone g WHERE a.owner_id = g.id;

INSERT INTO public.audit (account_id, owner) SELECT a.id, g.id FROM public.accounts a JOIN tmp_gone g ON g.id = a.owner_id;
