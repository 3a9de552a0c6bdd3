-- Criteria sets uploaded by the officer (the shipped ones live in the binary): the file is a
-- blob, by its SHA-256, which is also the set's key in workspaces.criteria_sha256.
CREATE TABLE criteria_sets (
    sha256 TEXT PRIMARY KEY,
    set_id TEXT NOT NULL,
    title TEXT NOT NULL,
    year BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
