-- Atom and composition reads, as the session tenant sees them (row-level security applies the visibility rules).
-- Same results as the embedded engine's EmbeddedAtomReads.

CREATE OR ALTER PROCEDURE dbo.sp_GetAtom
    @AtomId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    SELECT AtomId, ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount, CreatedAt
    FROM dbo.Atoms
    WHERE AtomId = @AtomId;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_GetAtomByHash
    @ContentHash BINARY(32)
AS
BEGIN
    SET NOCOUNT ON;
    SELECT AtomId, ContentHash, Modality, Subtype, AtomicValue, Metadata, ReferenceCount, CreatedAt
    FROM dbo.Atoms
    WHERE ContentHash = @ContentHash;
END;
GO

-- Composition rows of a visible parent in SequenceIndex order, from @FromSequence, at most @Limit.
CREATE OR ALTER PROCEDURE dbo.sp_GetCompositions
    @ParentAtomId BIGINT,
    @FromSequence BIGINT,
    @Limit        BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @ParentAtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @ParentAtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT TOP (@Limit) ParentAtomId, ComponentAtomId, SequenceIndex, PositionX, PositionY
    FROM dbo.AtomCompositions
    WHERE ParentAtomId = @ParentAtomId AND SequenceIndex >= @FromSequence
    ORDER BY SequenceIndex;
END;
GO

-- Component values of a visible parent in SequenceIndex order: the input of reconstruction.
CREATE OR ALTER PROCEDURE dbo.sp_GetPlacedValues
    @ParentAtomId BIGINT,
    @FromSequence BIGINT,
    @Limit        BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @ParentAtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @ParentAtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT TOP (@Limit) c.SequenceIndex, c.PositionX, c.PositionY, a.Modality, a.Subtype, a.AtomicValue
    FROM dbo.AtomCompositions AS c
    INNER JOIN dbo.Atoms AS a ON a.AtomId = c.ComponentAtomId
    WHERE c.ParentAtomId = @ParentAtomId AND c.SequenceIndex >= @FromSequence
    ORDER BY c.SequenceIndex;
END;
GO

CREATE OR ALTER PROCEDURE dbo.sp_GetCompositionCount
    @ParentAtomId BIGINT
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @message NVARCHAR(2048);
    IF NOT EXISTS (SELECT 1 FROM dbo.Atoms WHERE AtomId = @ParentAtomId)
    BEGIN
        SET @message = CONCAT(N'atom ', @ParentAtomId, N' not found');
        THROW 50404, @message, 1;
    END;
    SELECT COUNT_BIG(*) AS CompositionCount
    FROM dbo.AtomCompositions
    WHERE ParentAtomId = @ParentAtomId;
END;
GO
