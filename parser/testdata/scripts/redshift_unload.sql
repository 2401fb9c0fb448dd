-- dialect: redshift
-- Redshift: temp tables, DISTKEY options, COPY and UNLOAD with paths.
COPY staging.venue FROM 's3://bucket/tickit/venue/' IAM_ROLE 'arn:aws:iam::0:role/r' DELIMITER '|';
CREATE TEMP TABLE venue_stage DISTKEY(venueid) AS SELECT * FROM staging.venue WHERE venuestate = 'CA';
INSERT INTO public.venue SELECT * FROM venue_stage;
UNLOAD ('select * from public.venue where venuecity = ''Sacramento''')
TO 's3://bucket/unload/venue_' IAM_ROLE 'arn:aws:iam::0:role/r';
