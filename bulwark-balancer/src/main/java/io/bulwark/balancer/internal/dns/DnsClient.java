package io.bulwark.balancer.internal.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * One DNS question over UDP on the calling thread, with dnsjava doing only the wire format.
 * dnsjava's own resolvers start a selector thread; this does not, and it sees every record's TTL
 * (the JDK resolver hides them).
 */
public final class DnsClient {

    private final InetSocketAddress server;
    private final Duration timeout;

    /** A client of {@code server} giving up on each try after {@code timeout} (two tries). */
    public DnsClient(InetSocketAddress server, Duration timeout) {
        this.server = server;
        this.timeout = timeout;
    }

    /** The server asked. */
    public InetSocketAddress server() {
        return server;
    }

    /** The answer and additional records for {@code name} of {@code type} (a dnsjava {@code Type}). */
    public Answer query(String name, int type) throws IOException {
        Name qname = Name.fromString(name.endsWith(".") ? name : name + ".");
        Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
        byte[] wire = query.toWire();
        IOException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
                socket.send(new DatagramPacket(wire, wire.length, server));
                byte[] buf = new byte[65535];
                while (true) {
                    DatagramPacket packet = new DatagramPacket(buf, buf.length);
                    socket.receive(packet);
                    byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                    Message response = new Message(data);
                    if (response.getHeader().getID() != query.getHeader().getID()) {
                        continue; // a stray answer to an earlier question
                    }
                    int rcode = response.getRcode();
                    if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                        throw new IOException("DNS server " + server + " answered " + Rcode.string(rcode) + " for "
                                + name);
                    }
                    return new Answer(response.getSection(Section.ANSWER), response.getSection(Section.ADDITIONAL),
                            rcode == Rcode.NXDOMAIN);
                }
            } catch (SocketTimeoutException e) {
                last = new IOException("DNS server " + server + " did not answer for " + name + " within " + timeout, e);
            }
        }
        throw last;
    }

    /** The records of one response. */
    public record Answer(List<Record> answers, List<Record> additional, boolean nxdomain) {
    }
}
