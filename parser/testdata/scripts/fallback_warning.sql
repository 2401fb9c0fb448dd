-- dialect: spark
-- One statement with a typo (CASE without END) that no rewrite can save:
-- extracted from its tokens, with a warning; the next statement is parsed.
INSERT INTO TABLE out.scored
SELECT id, CASE WHEN score > 0 THEN 'pos' ELSE 'neg' AS label
FROM model.scores
JOIN model.weights w USING (id);
INSERT INTO TABLE out.summary SELECT count(*) FROM out.scored;
