-- +goose Up
-- PostgreSQL's 00630 leaves room on installment and charge pages for
-- in-place updates and drops the foreign key to tenants of payments and
-- attempts. SQLite needs neither: it rewrites a row in place and touches
-- only the indexes of the columns an update changes, and its foreign-key
-- check is one lookup in the tenants table, in process.
SELECT 1;

-- +goose Down
SELECT 1;
