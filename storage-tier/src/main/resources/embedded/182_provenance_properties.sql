-- Node properties on the provenance sync (issue 13): a run's INFERENCE node carries its evidence (step, role, atom,
-- concept, score, chosen) and receipt head to the cold tier with its creation, so Neo4j answers
-- GET /api/inference/{id}/explain as the storage tier does (InferenceNodeProperties; sql/074 nests the same JSON in
-- the Service Broker body). A flat JSON object; NULL for a change that carries none.
ALTER TABLE ProvenanceSyncQueue ADD COLUMN IF NOT EXISTS Properties CHARACTER LARGE OBJECT
GO
