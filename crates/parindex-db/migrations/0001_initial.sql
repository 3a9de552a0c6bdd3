-- parindex-server schema. Portable SQL (SQLite now, PostgreSQL with the province's campaign):
-- TEXT and BIGINT only, explicit ids assigned by the application, no AUTOINCREMENT, no
-- SQLite-only functions. Times are Unix seconds (BIGINT); scores never read them.

CREATE TABLE workspaces (
    id BIGINT PRIMARY KEY,
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    unit_group TEXT NOT NULL,
    year BIGINT NOT NULL,
    criteria_id TEXT NOT NULL,
    criteria_sha256 TEXT NOT NULL,
    proposals TEXT,
    proposals_version BIGINT NOT NULL,
    revision BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Every version of every uploaded evidence file; one active per slot (a table, or a
-- workbook read for its sheets).
CREATE TABLE files (
    id BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    slot TEXT NOT NULL,
    stored_name TEXT NOT NULL,
    display_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    version BIGINT NOT NULL,
    active BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL,
    UNIQUE (workspace_id, slot, version)
);
CREATE INDEX files_by_workspace ON files (workspace_id, slot);

-- facts.toml, one line per fact: `literal` is the TOML value as written (4, true, "2,5").
CREATE TABLE facts (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL,
    literal TEXT NOT NULL,
    source TEXT,
    PRIMARY KEY (workspace_id, name)
);

-- notes.toml, one line per row; `version` is bumped on every save (optimistic concurrency).
CREATE TABLE notes (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    row_id TEXT NOT NULL,
    explanation TEXT,
    declared_points TEXT,
    declared_reason TEXT,
    documents TEXT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, row_id)
);

-- TLKC files attached to a row, stored by hash.
CREATE TABLE attachments (
    id BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    row_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX attachments_by_row ON attachments (workspace_id, row_id);

-- Append-only: what changed, when. Never updated nor deleted.
CREATE TABLE history (
    id BIGINT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX history_by_workspace ON history (workspace_id, id);
