-- When the officer put a workspace away (`NULL`: on her list). An archived workspace keeps
-- everything and opens as before; it is only listed apart, and can be brought back.
ALTER TABLE workspaces ADD COLUMN archived_at BIGINT;
