package io.bulwark.balancer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.SRVRecord;

class DnsDiscoveryTest {

    private final LocalDnsServer dns = new LocalDnsServer();

    DnsDiscoveryTest() throws Exception {
    }

    @AfterEach
    void stop() throws Exception {
        dns.close();
    }

    private static Name name(String n) throws Exception {
        return Name.fromString(n);
    }

    private static ARecord a(String name, long ttl, String ip) throws Exception {
        return new ARecord(name(name), DClass.IN, ttl, InetAddress.getByName(ip));
    }

    private DnsDiscovery.Builder discovery(String name) {
        return DnsDiscovery.builder(name).server(dns.address()).timeout(Duration.ofSeconds(1));
    }

    @Test
    void aRecordsBecomeEndpointsAndTheShortestTtlIsTheNextRefresh() throws Exception {
        dns.answer(a("users.test.", 30, "10.0.0.1"), a("users.test.", 20, "10.0.0.2"));
        DnsDiscovery discovery = discovery("users.test").port(8080).build();

        Duration next = discovery.refresh();

        assertThat(discovery.endpoints()).extracting(e -> e.uri().toString())
                .containsExactly("http://10.0.0.1:8080", "http://10.0.0.2:8080");
        assertThat(next).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aaaaRecordsAreBracketedInTheUri() throws Exception {
        dns.answer(new AAAARecord(name("v6.test."), DClass.IN, 60, InetAddress.getByName("fd00::1")));
        DnsDiscovery discovery = discovery("v6.test").type(DnsDiscovery.Type.AAAA).port(9000).build();

        discovery.refresh();

        assertThat(discovery.endpoints()).extracting(e -> e.uri().toString()).containsExactly("http://[fd00:0:0:0:0:0:0:1]:9000");
    }

    @Test
    void srvRecordsGivePortAndWeightUsingGlueOrALookupOfTheTarget() throws Exception {
        SRVRecord one = new SRVRecord(name("_http._tcp.users.test."), DClass.IN, 60, 0, 3, 8081, name("a.users.test."));
        SRVRecord two = new SRVRecord(name("_http._tcp.users.test."), DClass.IN, 45, 0, 1, 8082, name("b.users.test."));
        dns.answer(one, two);
        dns.glue(one, a("a.users.test.", 60, "10.0.1.1"));
        dns.answer(a("b.users.test.", 10, "10.0.1.2"));
        DnsDiscovery discovery = discovery("_http._tcp.users.test").type(DnsDiscovery.Type.SRV).build();

        Duration next = discovery.refresh();

        assertThat(discovery.endpoints()).extracting(e -> e.uri().toString() + " w" + e.weight())
                .containsExactly("http://10.0.1.1:8081 w3", "http://10.0.1.2:8082 w1");
        assertThat(next).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void listenersHearOnlyChangesAndTheBalancerFollows() throws Exception {
        dns.answer(a("users.test.", 30, "10.0.0.1"));
        DnsDiscovery discovery = discovery("users.test").build();
        LoadBalancer lb = LoadBalancer.of("users", List.of(), BalancerConfig.defaults());
        List<Integer> sizes = new ArrayList<>();
        discovery.subscribe(list -> sizes.add(list.size()));
        discovery.subscribe(lb::update);

        discovery.refresh();
        discovery.refresh();
        dns.answer(a("users.test.", 30, "10.0.0.1"), a("users.test.", 30, "10.0.0.2"));
        discovery.refresh();

        assertThat(sizes).containsExactly(0, 1, 2);
        assertThat(lb.endpoints()).extracting(Endpoint::id).containsExactly("10.0.0.1:80", "10.0.0.2:80");
    }

    @Test
    void ttlIsClampedBetweenMinAndMaxRefresh() throws Exception {
        dns.answer(a("users.test.", 0, "10.0.0.1"));
        DnsDiscovery discovery = discovery("users.test").minRefresh(Duration.ofSeconds(2)).build();

        assertThat(discovery.refresh()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anUnreachableServerFailsTheRefreshAndKeepsTheLastList() throws Exception {
        dns.answer(a("users.test.", 30, "10.0.0.1"));
        DnsDiscovery discovery = discovery("users.test").timeout(Duration.ofMillis(200)).build();
        discovery.refresh();
        dns.close();

        assertThatThrownBy(discovery::refresh)
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("DNS discovery of users.test (A) failed")
                .hasMessageContaining("keeping the last 1 endpoints");
        assertThat(discovery.endpoints()).extracting(Endpoint::id).containsExactly("10.0.0.1:80");
    }
}
