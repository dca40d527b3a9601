-- Spatial indexes. Weights have none: they are tensor segments (sql/021), whose clustered keys serve reads by tensor
-- and whose dictionary is indexed by atom; the row table's spatial and columnstore indexes went with it.
-- A geometry spatial index needs a bounding box, and points outside it all fall into one "outside" cell, so the
-- box must match the data. ops.sp_EnsureSpatialIndex derives it from the real coordinate range of the table (all
-- tenants), or from ops.Settings while the table is empty, and rebuilds the index when data has outgrown it
-- (run it with @Rederive = 1 after large ingests; the OODA loop reports indexes whose box no longer fits).

-- The real coordinate range of a spatially indexed table. Runs as hart_system so that row-level security, which
-- would hide other tenants' rows from the caller, does not shrink the range.
CREATE OR ALTER PROCEDURE ops.sp_MeasureSpatialRange
    @TableName SYSNAME,
    @MinX FLOAT OUTPUT,
    @MinY FLOAT OUTPUT,
    @MaxX FLOAT OUTPUT,
    @MaxY FLOAT OUTPUT
WITH EXECUTE AS 'hart_system'
AS
BEGIN
    SET NOCOUNT ON;
    IF @TableName = N'CompositionSegments'
        -- The envelopes reach half a unit past the positions (sql/020).
        SELECT @MinX = MIN(CAST(MinX AS FLOAT)) - 0.5, @MinY = MIN(CAST(MinY AS FLOAT)) - 0.5,
               @MaxX = MAX(CAST(MaxX AS FLOAT)) + 0.5, @MaxY = MAX(CAST(MaxY AS FLOAT)) + 0.5
        FROM dbo.CompositionSegments;
    ELSE IF @TableName = N'AtomCompositionRows'
        SELECT @MinX = MIN(CAST(PositionX AS FLOAT)), @MinY = MIN(CAST(PositionY AS FLOAT)),
               @MaxX = MAX(CAST(PositionX AS FLOAT)), @MaxY = MAX(CAST(PositionY AS FLOAT))
        FROM dbo.AtomCompositionRows;
    ELSE IF @TableName = N'AtomEmbeddings'
        SELECT @MinX = MIN(ProjectionX), @MinY = MIN(ProjectionY), @MaxX = MAX(ProjectionX), @MaxY = MAX(ProjectionY)
        FROM dbo.AtomEmbeddings;
    ELSE
        THROW 50400, 'ops.sp_MeasureSpatialRange knows CompositionSegments, AtomCompositionRows and AtomEmbeddings only.', 1;
END;
GO

CREATE OR ALTER PROCEDURE ops.sp_EnsureSpatialIndex
    @TableName SYSNAME,
    @Rederive BIT = 0
AS
BEGIN
    SET NOCOUNT ON;
    DECLARE @qualified NVARCHAR(300), @indexName SYSNAME, @column SYSNAME = N'SpatialKey';
    DECLARE @defaultMaxX FLOAT, @defaultMaxY FLOAT;
    IF @TableName = N'CompositionSegments'
        SELECT @qualified = N'dbo.CompositionSegments', @indexName = N'SIX_CompositionSegments_Envelope',
               @column = N'Envelope',
               @defaultMaxX = TRY_CAST((SELECT SettingValue FROM ops.Settings WHERE SettingName = 'SpatialDefaultMaxX') AS FLOAT),
               @defaultMaxY = TRY_CAST((SELECT SettingValue FROM ops.Settings WHERE SettingName = 'SpatialDefaultMaxY') AS FLOAT);
    ELSE IF @TableName = N'AtomCompositionRows'
        SELECT @qualified = N'dbo.AtomCompositionRows', @indexName = N'SIX_AtomCompositionRows_SpatialKey',
               @defaultMaxX = TRY_CAST((SELECT SettingValue FROM ops.Settings WHERE SettingName = 'SpatialDefaultMaxX') AS FLOAT),
               @defaultMaxY = TRY_CAST((SELECT SettingValue FROM ops.Settings WHERE SettingName = 'SpatialDefaultMaxY') AS FLOAT);
    ELSE IF @TableName = N'AtomEmbeddings'
        SELECT @qualified = N'dbo.AtomEmbeddings', @indexName = N'SIX_AtomEmbeddings_SpatialKey',
               @defaultMaxX = TRY_CAST((SELECT SettingValue FROM ops.Settings WHERE SettingName = 'SpatialProjectionDefaultMax') AS FLOAT),
               @defaultMaxY = TRY_CAST((SELECT SettingValue FROM ops.Settings WHERE SettingName = 'SpatialProjectionDefaultMax') AS FLOAT);
    ELSE
        THROW 50400, 'ops.sp_EnsureSpatialIndex knows CompositionSegments, AtomCompositionRows and AtomEmbeddings only.', 1;

    DECLARE @objectId INT = OBJECT_ID(@qualified, N'U');
    IF @objectId IS NULL
        THROW 50404, 'The table to index does not exist yet; run the table scripts first.', 1;

    DECLARE @exists BIT = CASE WHEN EXISTS (
        SELECT 1 FROM sys.indexes WHERE object_id = @objectId AND name = @indexName) THEN 1 ELSE 0 END;
    IF @exists = 1 AND @Rederive = 0
        RETURN;

    DECLARE @minX FLOAT, @minY FLOAT, @maxX FLOAT, @maxY FLOAT;
    EXEC ops.sp_MeasureSpatialRange @TableName, @minX OUTPUT, @minY OUTPUT, @maxX OUTPUT, @maxY OUTPUT;
    IF @minX IS NULL
        SELECT @minX = 0, @minY = 0, @maxX = COALESCE(@defaultMaxX, 65536), @maxY = COALESCE(@defaultMaxY, 65536);

    -- A margin of 5 % (at least one unit) keeps points on the edge inside the box and leaves room to grow.
    DECLARE @marginX FLOAT = (SELECT MAX(m) FROM (VALUES (1.0), ((@maxX - @minX) * 0.05)) AS v (m));
    DECLARE @marginY FLOAT = (SELECT MAX(m) FROM (VALUES (1.0), ((@maxY - @minY) * 0.05)) AS v (m));
    SELECT @minX = FLOOR(@minX - @marginX), @minY = FLOOR(@minY - @marginY),
           @maxX = CEILING(@maxX + @marginX), @maxY = CEILING(@maxY + @marginY);

    IF @exists = 1
        AND EXISTS (
            SELECT 1 FROM sys.spatial_index_tessellations AS t
            INNER JOIN sys.indexes AS i ON i.object_id = t.object_id AND i.index_id = t.index_id
            WHERE t.object_id = @objectId AND i.name = @indexName
              AND t.bounding_box_xmin <= @minX AND t.bounding_box_ymin <= @minY
              AND t.bounding_box_xmax >= @maxX AND t.bounding_box_ymax >= @maxY)
        RETURN;

    DECLARE @sql NVARCHAR(MAX) =
        N'CREATE SPATIAL INDEX ' + QUOTENAME(@indexName) + N' ON ' + @qualified + N' (' + QUOTENAME(@column) + N')'
        + N' USING GEOMETRY_GRID WITH (BOUNDING_BOX = (xmin = ' + CAST(CAST(@minX AS DECIMAL(38, 0)) AS NVARCHAR(40))
        + N', ymin = ' + CAST(CAST(@minY AS DECIMAL(38, 0)) AS NVARCHAR(40))
        + N', xmax = ' + CAST(CAST(@maxX AS DECIMAL(38, 0)) AS NVARCHAR(40))
        + N', ymax = ' + CAST(CAST(@maxY AS DECIMAL(38, 0)) AS NVARCHAR(40))
        + N'), GRIDS = (LEVEL_1 = HIGH, LEVEL_2 = HIGH, LEVEL_3 = HIGH, LEVEL_4 = HIGH), CELLS_PER_OBJECT = 16'
        + CASE WHEN @exists = 1 THEN N', DROP_EXISTING = ON' ELSE N'' END + N');';
    EXEC sys.sp_executesql @sql;
END;
GO

EXEC ops.sp_EnsureSpatialIndex @TableName = N'CompositionSegments';
GO

EXEC ops.sp_EnsureSpatialIndex @TableName = N'AtomCompositionRows';
GO

EXEC ops.sp_EnsureSpatialIndex @TableName = N'AtomEmbeddings';
GO
