-- dialect: hive
-- schema: {"src.sessions": ["session_id", "user_id", "pages", "attrs"]}
-- LATERAL VIEW: the exploded columns come from the array and map they
-- explode; in a multi-insert the FROM (and its LATERAL VIEW) comes first.
INSERT OVERWRITE TABLE dw.page_hits
SELECT s.user_id, page, a.k, a.v
FROM src.sessions s
LATERAL VIEW explode(s.pages) p AS page
LATERAL VIEW OUTER explode(s.attrs) a AS k, v
WHERE page IS NOT NULL;

FROM src.sessions s
LATERAL VIEW posexplode(pages) pp AS pos, pg
INSERT INTO TABLE dw.first_pages SELECT s.session_id, pg WHERE pos = 0;
