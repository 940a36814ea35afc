package io.bulwark.server.internal.calls;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallbackUrlsTest {

    /** Names resolved from a table, so no test depends on DNS; IP literals stand for themselves. */
    private static CallbackUrls.Resolver table(Map<String, String> hosts) {
        return host -> {
            String ip = host.matches("[0-9a-fA-F.:]+") ? host : hosts.get(host); // a literal needs no look-up
            if (ip == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(ip)};
        };
    }

    private final CallbackUrls strict = new CallbackUrls(false, table(Map.of("hooks.example.com", "93.184.216.34",
            "rebound.example.com", "10.0.0.7", "metadata.example.com", "169.254.169.254", "nat.example.com", "100.64.1.1",
            "mapped.example.com", "::ffff:127.0.0.1", "ula.example.com", "fd00::1")));

    @Test
    void aPublicHttpsUrlIsAllowed() {
        assertThat(strict.check("https://hooks.example.com/bulwark?token=x").getHost()).isEqualTo("hooks.example.com");
        assertThat(strict.check("http://93.184.216.34:8080/hook").getPort()).isEqualTo(8080);
    }

    @Test
    void aNameThatResolvesToAnInternalAddressIsRefusedNamingTheAddress() {
        assertThatThrownBy(() -> strict.check("https://rebound.example.com/h")).hasMessageContaining("a private address 10.0.0.7");
        assertThatThrownBy(() -> strict.check("https://metadata.example.com/")).hasMessageContaining("link-local");
        assertThatThrownBy(() -> strict.check("https://nat.example.com/")).hasMessageContaining("carrier-grade NAT");
        assertThatThrownBy(() -> strict.check("https://mapped.example.com/")).hasMessageContaining("loopback");
        assertThatThrownBy(() -> strict.check("https://ula.example.com/")).hasMessageContaining("unique local");
        assertThatThrownBy(() -> strict.check("http://0.0.0.0/")).hasMessageContaining("unspecified");
        assertThatThrownBy(() -> strict.check("https://nowhere.example.com/")).hasMessageContaining("does not resolve");
    }

    @Test
    void onlyAbsoluteHttpUrlsWithoutCredentials() {
        assertThatThrownBy(() -> strict.check("file:///etc/passwd")).hasMessageContaining("scheme is 'file'");
        assertThatThrownBy(() -> strict.check("hooks.example.com/h")).hasMessageContaining("scheme is ''");
        assertThatThrownBy(() -> strict.check("https://a:b@hooks.example.com/")).hasMessageContaining("password");
        assertThatThrownBy(() -> strict.check("http://exa mple.com/")).hasMessageContaining("absolute http(s) URL");
    }

    @Test
    void privateAddressesAreAllowedWhenConfigured() {
        CallbackUrls open = new CallbackUrls(true, host -> {
            throw new AssertionError("nothing is resolved when private addresses are allowed");
        });
        assertThat(open.check("http://127.0.0.1:9000/hook").getPort()).isEqualTo(9000);
        assertThatThrownBy(() -> open.check("gopher://127.0.0.1/")).hasMessageContaining("scheme");
    }
}
