-- IngestionJobs.ChildIndex: the frame or page of the spooled file a job ingests (NULL: the file itself). A script of
-- its own because 050 is applied already on existing databases and applied scripts never change; jobs written before
-- this kept the index in SourcePath as '#child=N', which the ingest tier still reads when ChildIndex is NULL.
ALTER TABLE IngestionJobs ADD COLUMN IF NOT EXISTS ChildIndex INT
GO
