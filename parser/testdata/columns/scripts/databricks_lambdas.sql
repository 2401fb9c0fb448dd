-- dialect: databricks
-- Lambda parameters are not columns; the arrays they range over are.
INSERT INTO gold.scores
SELECT id,
       transform(scores, x -> x * weight) AS weighted,
       aggregate(scores, 0, (acc, s) -> acc + s) AS total
FROM silver.players
WHERE exists(tags, t -> t = 'pro');
