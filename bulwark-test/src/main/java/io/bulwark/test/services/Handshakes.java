package io.bulwark.test.services;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@link Handshake} per {@link LocalService}. Each stops at the first answer that only the
 * real server would give, so no credentials, databases or client libraries are involved.
 */
final class Handshakes {

    private static final int MAX_LINE = 4096;
    private static final int POSTGRES_SSL_REQUEST = 80877103;
    private static final int MARIADB_PROTOCOL = 10;
    private static final int MARIADB_ERROR = 0xff;
    private static final byte[] AMQP_0_9_1 = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    private static final int AMQP_METHOD_FRAME = 1;
    private static final int AMQP_CONNECTION = 10;
    private static final int AMQP_START = 10;
    private static final int MQTT_CONNACK = 0x20;
    private static final byte[] MQTT_DISCONNECT = {(byte) 0xe0, 0};
    private static final Pattern NATS_VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");

    private Handshakes() {}

    /** SSLRequest rather than a startup packet: the server answers it before any authentication. */
    static String postgresql(DataInputStream in, OutputStream out) throws IOException {
        out.write(ByteBuffer.allocate(8).putInt(8).putInt(POSTGRES_SSL_REQUEST).array());
        int answer = in.readUnsignedByte();
        if (answer != 'S' && answer != 'N') {
            throw unexpected("SSLRequest", "'S' or 'N'", describe(answer));
        }
        return "answered SSLRequest with '" + (char) answer + "'";
    }

    /** The server speaks first: a packet header, then protocol version 10 and its version. */
    static String mariadb(DataInputStream in, OutputStream out) throws IOException {
        int length = in.readUnsignedByte() | in.readUnsignedByte() << 8 | in.readUnsignedByte() << 16;
        in.readUnsignedByte(); // sequence id
        int protocol = in.readUnsignedByte();
        if (protocol == MARIADB_ERROR && length >= 3) {
            in.readUnsignedShort(); // error code
            String message = new String(in.readNBytes(Math.min(length - 3, MAX_LINE)), UTF_8);
            throw new IOException("refused the connection: " + message);
        }
        if (protocol != MARIADB_PROTOCOL) {
            throw unexpected("the connection", "handshake protocol 10", describe(protocol));
        }
        return "sent handshake protocol 10, server " + readCString(in, length - 1);
    }

    /** An inline command, so no RESP framing is needed. */
    static String redis(DataInputStream in, OutputStream out) throws IOException {
        out.write("PING\r\n".getBytes(US_ASCII));
        String line = readLine(in);
        if (!line.startsWith("+PONG")) {
            throw unexpected("PING", "+PONG", quote(line));
        }
        return "answered PING with +PONG";
    }

    /** The protocol header; the broker answers with Connection.Start (class 10, method 10). */
    static String rabbitmq(DataInputStream in, OutputStream out) throws IOException {
        out.write(AMQP_0_9_1);
        int type = in.readUnsignedByte();
        if (type == 'A') {
            // A broker that does not speak our version answers with a header naming its own.
            byte[] rest = in.readNBytes(7);
            throw new IOException("rejected AMQP 0-9-1, offering " + quote("A" + new String(rest, US_ASCII)));
        }
        if (type != AMQP_METHOD_FRAME) {
            throw unexpected("the AMQP 0-9-1 header", "a method frame (type 1)", describe(type));
        }
        in.readUnsignedShort(); // channel
        in.readInt(); // payload size
        int classId = in.readUnsignedShort();
        int methodId = in.readUnsignedShort();
        if (classId != AMQP_CONNECTION || methodId != AMQP_START) {
            throw unexpected("the AMQP 0-9-1 header", "Connection.Start (10, 10)",
                    "method (" + classId + ", " + methodId + ")");
        }
        return "answered the AMQP 0-9-1 header with Connection.Start";
    }

    /** The server speaks first with an {@code INFO {json}} line. */
    static String nats(DataInputStream in, OutputStream out) throws IOException {
        String line = readLine(in);
        if (!line.startsWith("INFO ")) {
            throw unexpected("the connection", "INFO {...}", quote(line));
        }
        Matcher version = NATS_VERSION.matcher(line);
        return version.find() ? "sent INFO (version " + version.group(1) + ")" : "sent INFO";
    }

    /** MQTT 3.1.1 CONNECT with a clean session; CONNACK return code 0 means accepted. */
    static String mqtt(DataInputStream in, OutputStream out) throws IOException {
        // Unique so that two probes at once do not take over each other's session.
        String clientId = "bulwarkprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeMqttString(body, "MQTT");
        body.write(4); // protocol level 3.1.1
        body.write(0x02); // clean session
        body.write(0);
        body.write(10); // keep-alive seconds
        writeMqttString(body, clientId);
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(0x10);
        packet.write(body.size()); // fits the one-byte form of the remaining length
        body.writeTo(packet);
        out.write(packet.toByteArray());

        int type = in.readUnsignedByte();
        if (type != MQTT_CONNACK) {
            throw unexpected("CONNECT", "CONNACK (0x20)", describe(type));
        }
        in.readUnsignedByte(); // remaining length, always 2
        in.readUnsignedByte(); // session present
        int code = in.readUnsignedByte();
        if (code != 0) {
            throw new IOException("refused CONNECT with CONNACK return code " + code);
        }
        // A clean DISCONNECT keeps the broker from logging the probe as a lost client.
        out.write(MQTT_DISCONNECT);
        return "answered CONNECT with CONNACK";
    }

    private static void writeMqttString(ByteArrayOutputStream out, String value) {
        byte[] bytes = value.getBytes(UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length);
        out.writeBytes(bytes);
    }

    private static String readLine(DataInputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (line.size() == 0) {
                    throw new EOFException();
                }
                break;
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("sent a line longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.toString(UTF_8).stripTrailing();
    }

    private static String readCString(DataInputStream in, int limit) throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        for (int i = 0; i < Math.min(limit, MAX_LINE); i++) {
            int b = in.read();
            if (b <= 0) {
                break;
            }
            text.write(b);
        }
        return text.toString(UTF_8);
    }

    private static IOException unexpected(String request, String expected, String actual) {
        return new IOException("answered " + request + " with " + actual + ", expected " + expected);
    }

    private static String describe(int b) {
        return b >= 0x20 && b < 0x7f ? "'" + (char) b + "'" : String.format("0x%02x", b);
    }

    private static String quote(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "\"" + shown + "\"";
    }
}
