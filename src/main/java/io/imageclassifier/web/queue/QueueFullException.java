package io.imageclassifier.web.queue;

/** The queue already held its limit of jobs, so this one was not added. */
public final class QueueFullException extends PredictionQueueException {

    private final long queued;
    private final long limit;

    /** @param queued the jobs in the queue when this one was refused: at least {@code limit} */
    public QueueFullException(long queued, long limit) {
        super("the queue holds " + queued + " jobs; its limit is " + limit);
        this.queued = queued;
        this.limit = limit;
    }

    public long queued() {
        return queued;
    }

    public long limit() {
        return limit;
    }
}
