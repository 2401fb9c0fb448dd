-- dialect: spark
-- One statement the dialect layer cannot rewrite: extracted from tokens, with a warning.
INSERT INTO TABLE out.scored
SELECT id, transform(scores, x -> x * 2) AS doubled
FROM model.scores
JOIN model.weights w USING (id);
INSERT INTO TABLE out.summary SELECT count(*) FROM out.scored;
