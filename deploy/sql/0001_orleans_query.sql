-- Orleans' ADO.NET providers (clustering, grain storage, reminders) read the SQL they run from this
-- table, by key, once at start. Rally owns that SQL: later migrations add or replace rows with
-- INSERT ... ON CONFLICT (querykey) DO UPDATE, so a query's text can be changed by a new migration.
--
-- The identifiers are unquoted on purpose: PostgreSQL folds them to orleansquery(querykey, querytext),
-- which is what the providers' own unquoted "SELECT QueryKey, QueryText FROM OrleansQuery" resolves to.
CREATE TABLE IF NOT EXISTS OrleansQuery (
    QueryKey  varchar(64) NOT NULL,
    QueryText text        NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (QueryKey)
);
