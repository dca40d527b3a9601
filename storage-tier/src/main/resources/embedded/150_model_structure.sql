-- What running a model needs besides its tensors (ONNX: the ModelProto without the stored tensors' data); NULL for
-- formats the substrate cannot run. Mirrors the Structure column of sql/021_tables_models.sql.
ALTER TABLE Models ADD COLUMN IF NOT EXISTS Structure BINARY LARGE OBJECT
GO
