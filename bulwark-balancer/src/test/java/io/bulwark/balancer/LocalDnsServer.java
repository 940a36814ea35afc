package io.bulwark.balancer;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * A tiny authoritative DNS responder on 127.0.0.1 (UDP, a free port) for tests: answers from a
 * map of records set by the test, NXDOMAIN otherwise. One virtual thread serves it.
 */
final class LocalDnsServer implements AutoCloseable {

    private final DatagramSocket socket;
    private final Map<String, List<Record>> answers = new ConcurrentHashMap<>();
    private final Map<String, List<Record>> additional = new ConcurrentHashMap<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;

    LocalDnsServer() throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofVirtual().name("local-dns").start(this::serve);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    /** Answers questions of {@code records}' name and type with them (replacing earlier ones). */
    void answer(Record... records) {
        answers.put(key(records[0]), List.of(records));
    }

    /** Adds glue records to the additional section of answers to {@code question}'s name and type. */
    void glue(Record question, Record... records) {
        additional.put(key(question), List.of(records));
    }

    int queries() {
        return queries.get();
    }

    private static String key(Record r) {
        return r.getName().toString().toLowerCase() + "/" + r.getType();
    }

    private void serve() {
        byte[] buf = new byte[512];
        while (!socket.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buf, buf.length);
                socket.receive(packet);
                queries.incrementAndGet();
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message response = new Message(query.getHeader().getID());
                response.getHeader().setFlag(Flags.QR);
                response.getHeader().setFlag(Flags.AA);
                Record question = query.getQuestion();
                response.addRecord(question, Section.QUESTION);
                List<Record> found = answers.get(key(question));
                if (found == null) {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                } else {
                    found.forEach(r -> response.addRecord(r, Section.ANSWER));
                    additional.getOrDefault(key(question), List.of())
                            .forEach(r -> response.addRecord(r, Section.ADDITIONAL));
                }
                byte[] wire = response.toWire();
                socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        thread.join();
    }
}
