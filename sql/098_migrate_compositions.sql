-- Post-deployment: converts the composition rows a database holds one per position into segments
-- (dbo.sp_MigrateCompositionRows, 079), batch after batch until none is left after the cursor. Each batch is its own
-- transaction, so a deployment interrupted here keeps what it converted and, run again, goes on with the rest; on a
-- database without such rows it is one empty batch.
DECLARE @ParentAtomId BIGINT, @FromSequence BIGINT, @Done BIT = 0;
WHILE @Done = 0
    EXEC dbo.sp_MigrateCompositionRows
        @ParentAtomId = @ParentAtomId OUTPUT,
        @FromSequence = @FromSequence OUTPUT,
        @Done = @Done OUTPUT;
GO
