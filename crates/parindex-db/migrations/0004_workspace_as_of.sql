-- The date an officer's own workspace is scored at (ISO yyyy-mm-dd), when she chose one:
-- `parindex score --as-of`. NULL: 31 December of the set's year. A campaign's units are
-- scored at the campaign's date instead.
ALTER TABLE workspaces ADD COLUMN as_of TEXT;
