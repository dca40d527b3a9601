-- The memory-optimized filegroup billing.UsageLedger needs (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_AND_DATA).
-- Its container is a folder next to the instance's default data files. The path differs per host, so the
-- statements are built at run time; each step runs only if its object is missing.

IF NOT EXISTS (SELECT 1 FROM sys.filegroups WHERE type = N'FX')
BEGIN
    DECLARE @addFilegroup NVARCHAR(MAX) =
        N'ALTER DATABASE ' + QUOTENAME(DB_NAME()) + N' ADD FILEGROUP ' + QUOTENAME(DB_NAME() + N'_InMemory')
        + N' CONTAINS MEMORY_OPTIMIZED_DATA;';
    EXEC sys.sp_executesql @addFilegroup;
END;
GO

IF NOT EXISTS (
    SELECT 1
    FROM sys.database_files AS f
    INNER JOIN sys.filegroups AS g ON g.data_space_id = f.data_space_id
    WHERE g.type = N'FX'
)
BEGIN
    DECLARE @dataPath NVARCHAR(4000) = CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS NVARCHAR(4000));
    IF @dataPath IS NULL OR @dataPath = N''
        THROW 50500, 'SERVERPROPERTY(''InstanceDefaultDataPath'') is empty: set the default data folder (mssql-conf set filelocation.defaultdatadir) and deploy again.', 1;
    IF RIGHT(@dataPath, 1) NOT IN (N'/', N'\')
        SET @dataPath = @dataPath + N'/';
    DECLARE @filegroup SYSNAME = (SELECT TOP (1) name FROM sys.filegroups WHERE type = N'FX');
    DECLARE @container NVARCHAR(4000) = @dataPath + DB_NAME() + N'_InMemory';
    DECLARE @addFile NVARCHAR(MAX) =
        N'ALTER DATABASE ' + QUOTENAME(DB_NAME()) + N' ADD FILE (NAME = ' + QUOTENAME(DB_NAME() + N'_InMemory')
        + N', FILENAME = N''' + REPLACE(@container, N'''', N'''''') + N''') TO FILEGROUP ' + QUOTENAME(@filegroup)
        + N';';
    EXEC sys.sp_executesql @addFile;
END;
GO
