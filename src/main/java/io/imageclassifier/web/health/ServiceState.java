package io.imageclassifier.web.health;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.QueueKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What Redis knows about the service right now: the queue and the live model daemons. Read by
 * the readiness check and by {@code /metrics}; every method may throw a Jedis exception when
 * Redis is unreachable.
 */
public class ServiceState {

    /** Daemon names already warned about: one log line per daemon, not one per scrape. */
    private static final int MAX_REMEMBERED_WARNINGS = 256;
    private static final Logger LOG = Logger.getLogger(ServiceState.class.getName());

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final Set<String> warnedAbout = ConcurrentHashMap.newKeySet();

    public ServiceState(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    void ping() {
        redis.ping();
    }

    /** Jobs in the stream: waiting, or taken by a daemon and not yet answered. */
    long queueLength() {
        return redis.xlen(keys.jobStream());
    }

    /**
     * The daemons whose heartbeat has not expired. One whose heartbeat cannot be read (a daemon
     * of another version, during a rolling upgrade) is still alive and still serving: it is
     * counted by name, and said once in the log, rather than left out.
     */
    LiveDaemons liveDaemons() {
        List<DaemonHeartbeat> readable = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        ScanParams match = new ScanParams().match(keys.daemonHeartbeatPattern()).count(100);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            for (String key : page.getResult()) {
                Map<String, String> hash = redis.hgetAll(key);
                if (hash.isEmpty()) {
                    continue;   // expired between SCAN and HGETALL
                }
                try {
                    readable.add(DaemonHeartbeat.fromHash(hash));
                } catch (MalformedMessageException e) {
                    String daemon = hash.getOrDefault("daemon", key);
                    unreadable.add(daemon);
                    warnOnce(daemon, e);
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return new LiveDaemons(readable, unreadable);
    }

    private void warnOnce(String daemon, MalformedMessageException e) {
        if (warnedAbout.size() > MAX_REMEMBERED_WARNINGS) {
            warnedAbout.clear();
        }
        if (warnedAbout.add(daemon)) {
            LOG.warning("the heartbeat of model daemon " + daemon + " cannot be read (" + e.getMessage() + "); it is"
                    + " counted as live, without its figures. A daemon of another version of the service?");
        }
    }

    /** @param unreadable names of live daemons whose heartbeat this version cannot read */
    record LiveDaemons(List<DaemonHeartbeat> readable, List<String> unreadable) {
        int count() {
            return readable.size() + unreadable.size();
        }
    }
}
