package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether the stack is up, against stand-ins for Apache's home page on free loopback ports. */
class StackGuardTest {

    @TempDir
    Path root;

    private StackGuard guardOf(URI home) {
        return new StackGuard(null, root, home, false, root.resolve("start.log"), message -> { });
    }

    private static HttpServer homePage(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static URI home(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void upWhenTheHomePageAnswers200() throws IOException {
        HttpServer server = homePage(200);
        try {
            assertTrue(guardOf(home(server)).isUp());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downWhenTheHomePageAnswersAnythingElse() throws IOException {
        HttpServer server = homePage(503);
        try {
            assertFalse(guardOf(home(server)).isUp());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void downWhenNothingListens() throws IOException {
        int port;
        try (ServerSocket closedAgain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closedAgain.getLocalPort();
        }
        assertFalse(guardOf(URI.create("http://127.0.0.1:" + port + "/")).isUp());
    }
}
