package io.bulwark.server.internal.ratelimit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TrustedProxiesTest {

    private final TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32");

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeaderSays() {
        assertThat(proxies.clientIp("203.0.113.9", "1.2.3.4")).isEqualTo("203.0.113.9");
    }

    @Test
    void aTrustedChainIsReadFromTheRightToTheFirstUntrustedHop() {
        // the client wrote 6.6.6.6 itself; 198.51.100.1 is what our first proxy saw
        assertThat(proxies.clientIp("10.1.2.3", "6.6.6.6, 198.51.100.1, 192.168.1.7")).isEqualTo("198.51.100.1");
        assertThat(proxies.clientIp("2001:db8::5", "2001:db8::9, 198.51.100.2")).isEqualTo("198.51.100.2");
    }

    @Test
    void anAllTrustedChainYieldsItsLeftmostHopAndGarbageStopsTheWalk() {
        assertThat(proxies.clientIp("10.0.0.1", "10.0.0.2, 10.0.0.3")).isEqualTo("10.0.0.2");
        assertThat(proxies.clientIp("10.0.0.1", "198.51.100.3, not-an-ip")).isEqualTo("10.0.0.1");
        assertThat(proxies.clientIp("10.0.0.1", null)).isEqualTo("10.0.0.1");
    }

    @Test
    void prefixesMatchOnBitsAndNamesAreNeverResolved() {
        TrustedProxies narrow = TrustedProxies.parse("172.16.0.0/12");
        assertThat(narrow.trusts("172.31.255.255")).isTrue();
        assertThat(narrow.trusts("172.32.0.1")).isFalse();
        assertThat(narrow.trusts("::ffff:172.16.0.1")).as("an IPv4-mapped IPv6 address").isTrue();
        assertThat(TrustedProxies.parse("none").trusts("127.0.0.1")).isFalse();
        assertThatThrownBy(() -> TrustedProxies.parse("localhost")).hasMessageContaining("'localhost' is not an IP address");
        assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/33")).hasMessageContaining("must be 0 to 32");
    }
}
