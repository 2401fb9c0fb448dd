-- dialect: mysql
-- default-db: warehouse
-- Bare names are qualified with the default database until a USE changes it.
INSERT INTO daily SELECT * FROM events;
USE archive;
INSERT INTO yearly SELECT * FROM warehouse.daily d JOIN calendar c ON c.day = d.day;
