-- +goose Up
-- PostgreSQL leaves room on installment and charge pages for in-place
-- updates (see its 00612); SQLite has no such setting. Kept so that both
-- stores report the same schema version.
SELECT 1;

-- +goose Down
SELECT 1;
