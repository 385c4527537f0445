package io.imageclassifier.daemon;

import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.PredictionJob;
import java.util.ArrayList;
import java.util.List;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * Turns job stream entries, new or taken over, into jobs. An entry that is not a job is poison:
 * it is rejected at once ({@link JobAnswerer#rejectPoison}) and left out, so it never reaches a
 * batch and is never handed out again.
 */
final class JobDecoder {

    private final JobAnswerer answerer;

    JobDecoder(JobAnswerer answerer) {
        this.answerer = answerer;
    }

    /** The jobs among the entries, in their order. */
    List<QueuedJob> decode(List<StreamEntryBinary> entries) {
        List<QueuedJob> jobs = new ArrayList<>();
        for (StreamEntryBinary entry : entries) {
            String entryId = entry.getID().toString();
            try {
                jobs.add(new QueuedJob(entryId, PredictionJob.fromStreamFields(entry.getFields())));
            } catch (MalformedMessageException e) {
                answerer.rejectPoison(entryId, entry.getFields(), e);
            }
        }
        return jobs;
    }
}
