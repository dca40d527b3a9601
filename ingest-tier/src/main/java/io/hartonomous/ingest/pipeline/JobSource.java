package io.hartonomous.ingest.pipeline;

import io.hartonomous.storage.contract.ingest.IngestionJob;

import java.nio.file.Path;

/**
 * Where a job's input is: its spool file and, for a frame or page, which one (null: the whole file). Jobs written
 * before the job row had a child index kept it in the source path as {@code "#child=N"}; that form is read here, so a
 * job running across the upgrade resumes.
 */
record JobSource(Path spool, Integer childIndex) {
    private static final String LEGACY_CHILD_MARK = "#child=";

    /** {@code spool} is null when the job recorded no source path. */
    static JobSource of(IngestionJob job) {
        String path = job.sourcePath();
        if (path == null) {
            return new JobSource(null, job.childIndex());
        }
        int mark = path.lastIndexOf(LEGACY_CHILD_MARK);
        if (job.childIndex() == null && mark >= 0) {
            return new JobSource(Path.of(path.substring(0, mark)),
                    Integer.parseInt(path.substring(mark + LEGACY_CHILD_MARK.length())));
        }
        return new JobSource(Path.of(path), job.childIndex());
    }
}
