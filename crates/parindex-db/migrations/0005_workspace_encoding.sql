-- The encoding an officer's own workspace reads its text exports in, when she chose one:
-- `parindex score --encoding` (auto, utf-8, utf-16le, utf-16be, windows-1258). NULL: auto.
ALTER TABLE workspaces ADD COLUMN encoding TEXT;
