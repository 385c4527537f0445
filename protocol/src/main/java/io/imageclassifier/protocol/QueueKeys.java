package io.imageclassifier.protocol;

/**
 * Every Redis key and group name the service uses, derived from the queue name.
 *
 * <p>Jobs go into one stream that all model daemons read as one consumer group, so each job is
 * handed to exactly one daemon and stays pending until that daemon acknowledges it. Results go to
 * a list per web app instance, which its single result listener blocks on.
 */
public final class QueueKeys {

    /** The consumer group every model daemon joins. */
    public static final String DAEMON_GROUP = "model-daemons";

    private final String queueName;

    public QueueKeys(String queueName) {
        if (queueName == null || queueName.isBlank()) {
            throw new IllegalArgumentException("queue name must not be empty");
        }
        this.queueName = queueName;
    }

    public static QueueKeys from(Settings settings) {
        return new QueueKeys(settings.imageQueue());
    }

    /** The stream of queued jobs. */
    public String jobStream() {
        return queueName;
    }

    /** The list a web app instance receives its results on. */
    public String resultList(String webInstanceId) {
        return queueName + ":results:" + webInstanceId;
    }

    /** The heartbeat hash a live daemon refreshes; it expires when the daemon stops beating. */
    public String daemonHeartbeat(String consumer) {
        return queueName + ":daemons:" + consumer;
    }

    /** Pattern matching the heartbeats of all live daemons. */
    public String daemonHeartbeatPattern() {
        return queueName + ":daemons:*";
    }

    /** Pattern matching every key this service creates, for operators and tests. */
    public String allKeysPattern() {
        return queueName + "*";
    }
}
