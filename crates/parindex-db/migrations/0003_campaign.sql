-- The province's campaign on one server: accounts and sessions, campaigns and their units,
-- submissions (immutable snapshots, as blobs), appraisal rounds and the units' answers, and
-- a history that records who made each change and what it was before and after.
-- Portable SQL, as 0001: TEXT and BIGINT, ids assigned by the application.

CREATE TABLE accounts (
    id BIGINT PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    -- argon2id, a PHC string (salt and parameters inside).
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    unit_code TEXT,
    agency TEXT,
    -- An appraiser's fields, space-separated top-level criteria ids.
    fields TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- The SHA-256 of a session's token: the token itself is only in the browser's cookie.
CREATE TABLE sessions (
    token_sha256 TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Dates are ISO yyyy-mm-dd; each deadline is the end of its day in Vietnam.
CREATE TABLE campaigns (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    year BIGINT NOT NULL,
    criteria_id TEXT NOT NULL,
    criteria_sha256 TEXT NOT NULL,
    as_of TEXT NOT NULL,
    self_end TEXT NOT NULL,
    round1_end TEXT NOT NULL,
    explain_end TEXT NOT NULL,
    round2_end TEXT NOT NULL,
    survey_sha256 TEXT,
    published_at BIGINT,
    created_at BIGINT NOT NULL
);

-- A unit of a campaign is one workspace; state: drafting | with_leader | submitted.
CREATE TABLE campaign_units (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    workspace_id BIGINT NOT NULL UNIQUE REFERENCES workspaces (id),
    state TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_code)
);

-- Never updated but for withdrawn_at; the folder and the report are blobs.
CREATE TABLE submissions (
    id BIGINT PRIMARY KEY,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    folder_sha256 TEXT NOT NULL,
    report_sha256 TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    points TEXT NOT NULL,
    score_index TEXT,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    submitted_at BIGINT NOT NULL,
    withdrawn_at BIGINT
);
CREATE INDEX submissions_by_unit ON submissions (campaign_id, unit_code, id);

CREATE TABLE appraisals (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    row_id TEXT NOT NULL,
    round BIGINT NOT NULL,
    points TEXT NOT NULL,
    note TEXT NOT NULL,
    agency TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, unit_code, row_id, round)
);

-- documents: JSON list of {display_name, sha256, size}.
CREATE TABLE answers (
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    unit_code TEXT NOT NULL,
    row_id TEXT NOT NULL,
    note TEXT NOT NULL,
    documents TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, unit_code, row_id)
);

-- The history, rebuilt so that an entry may concern no workspace (a campaign, an account)
-- and records who made it and the value before and after. Append-only, as before.
CREATE TABLE history_v2 (
    id BIGINT PRIMARY KEY,
    workspace_id BIGINT REFERENCES workspaces (id),
    campaign_id BIGINT REFERENCES campaigns (id),
    unit_code TEXT,
    actor TEXT,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT
);
INSERT INTO history_v2 (id, workspace_id, at, action, detail)
    SELECT id, workspace_id, at, action, detail FROM history;
DROP TABLE history;
ALTER TABLE history_v2 RENAME TO history;
CREATE INDEX history_by_workspace ON history (workspace_id, id);
