package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Tomcat's AJP connector serves only a front that knows the secret (the Ghostcat class of
 * attacks, CVE-2020-1938, used an open AJP port). Speaks AJP/1.3 to 127.0.0.1:8009 directly:
 * without the secret or with a wrong one the answer is 403; with the generated one, 200.
 */
class AjpSecretIT {

    private static final byte FORWARD_REQUEST = 2;
    private static final byte METHOD_GET = 2;
    private static final byte ATTRIBUTE_SECRET = 0x0C;
    private static final int END_OF_ATTRIBUTES = 0xFF;
    private static final byte SEND_HEADERS = 4;

    @Test
    void ajpAnswersOnlyWithTheSecret() throws Exception {
        String secret = Files.readString(StackControl.REPO.resolve("runtime/secrets/ajp.secret")).trim();

        assertEquals(403, ajpGetStatus(null), "no secret");
        assertEquals(403, ajpGetStatus("not-the-secret"), "wrong secret");
        assertEquals(200, ajpGetStatus(secret), "the generated secret");
    }

    /** Sends {@code GET /} over AJP/1.3 and returns the HTTP status Tomcat answers. */
    private static int ajpGetStatus(String secret) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(FORWARD_REQUEST);
        body.write(METHOD_GET);
        string(body, "HTTP/1.1");
        string(body, "/");
        string(body, "127.0.0.1");
        string(body, "localhost");
        string(body, "localhost");
        int16(body, 80);
        body.write(0);            // not SSL
        int16(body, 0);           // no headers
        if (secret != null) {
            body.write(ATTRIBUTE_SECRET);
            string(body, secret);
        }
        body.write(END_OF_ATTRIBUTES);

        try (Socket socket = new Socket("127.0.0.1", 8009)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x12, 0x34});
            out.write(new byte[] {(byte) (body.size() >> 8), (byte) body.size()});
            body.writeTo(out);
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int magic = in.readUnsignedShort();
                int length = in.readUnsignedShort();
                byte[] packet = new byte[length];
                in.readFully(packet);
                if (magic != 0x4142) {
                    throw new IOException("not an AJP reply: " + Integer.toHexString(magic));
                }
                if (packet[0] == SEND_HEADERS) {
                    return ((packet[1] & 0xFF) << 8) | (packet[2] & 0xFF);
                }
            }
        }
    }

    private static void string(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int16(out, bytes.length);
        out.writeBytes(bytes);
        out.write(0);
    }

    private static void int16(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }
}
