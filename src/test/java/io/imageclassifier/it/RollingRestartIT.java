package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * {@code scripts/restart tomcat} with two Tomcats restarts them one at a time, each drained
 * first: Apache sends it no new request and has none in flight to it when it stops. While
 * clients keep uploading, every request succeeds: none finds Apache without a Tomcat, none is
 * caught in a stopping one.
 */
@EnabledIfSystemProperty(named = "it.layout", matches = "scale-out")
class RollingRestartIT {

    private static final int CLIENTS = 4;
    /** mod_proxy's balancer-manager and mod_jk's status worker: one of them is the active front's. */
    private static final List<String> ADMIN_PAGES = List.of("/balancer-manager", "/jkstatus");

    @Test
    void theBalancerAdminPagesNeedTheAdminPassword() throws Exception {
        ServiceClient client = new ServiceClient();
        for (String page : ADMIN_PAGES) {
            ServiceClient.Reply anonymous = client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve(page)).GET());
            assertEquals(401, anonymous.status(), page + ": " + anonymous.body());
            assertEquals(false, anonymous.json().get("success").getAsBoolean(), page + ": " + anonymous.body());
        }
        String password = Files.readString(StackControl.REPO.resolve("runtime/secrets/balancer-admin.password")).strip();
        String basic = "Basic " + Base64.getEncoder().encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
        Map<String, Integer> withPassword = new TreeMap<>();
        for (String page : ADMIN_PAGES) {
            withPassword.put(page, client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve(page))
                    .header("Authorization", basic).GET()).status());
        }
        assertTrue(withPassword.containsValue(200), "the active front's admin page opens with the password: " + withPassword);
    }

    @Test
    void restartingEveryTomcatUnderLoadKeepsTheServiceUp() throws Exception {
        long firstPid = StackControl.pid("tomcat.pid");
        long secondPid = StackControl.pid("tomcat-2.pid");
        byte[] photo = ServiceClient.photo("dog.jpg");
        ServiceClient client = new ServiceClient();
        AtomicBoolean restarting = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Map<String, Integer>>> outcomes = new ArrayList<>();
        try {
            for (int i = 0; i < CLIENTS; i++) {
                outcomes.add(clients.submit(() -> {
                    Map<String, Integer> seen = new TreeMap<>();
                    while (restarting.get()) {
                        String outcome;
                        try {
                            ServiceClient.Reply reply = client.predict(photo, "dog.jpg");
                            outcome = reply.status() == 200 ? "200" : reply.status() + " " + reply.body().strip();
                        } catch (java.io.IOException e) {
                            outcome = "no HTTP answer: " + e;
                        }
                        seen.merge(outcome, 1, Integer::sum);
                    }
                    return seen;
                }));
            }
            StackControl.run(StackControl.REPO.resolve("scripts/restart").toString(), "tomcat");
        } finally {
            restarting.set(false);
            clients.shutdown();
        }

        Map<String, Integer> all = new TreeMap<>();
        for (Future<Map<String, Integer>> outcome : outcomes) {
            outcome.get().forEach((k, v) -> all.merge(k, v, Integer::sum));
        }
        int succeeded = all.getOrDefault("200", 0);
        int failed = all.values().stream().mapToInt(Integer::intValue).sum() - succeeded;
        System.out.printf("rolling restart: %d succeeded, %d failed %s%n", succeeded, failed, all);

        assertNotEquals(firstPid, StackControl.pid("tomcat.pid"), "Tomcat 1 restarted");
        assertNotEquals(secondPid, StackControl.pid("tomcat-2.pid"), "Tomcat 2 restarted");
        assertEquals(0, failed, "no request fails during a rolling restart: " + all);
        assertTrue(succeeded > 0, "the clients were served during the restart: " + all);
        try (LoadGenerator load = new LoadGenerator(CLIENTS)) {
            assertEquals(Map.of(200, 10), load.send(10, photo).statusCounts(), "served after the restart");
        }
    }
}
