package io.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheConfigTest {

    @Test
    void theDefaultsAreAnL1OfTenThousandEntriesForTenMinutes() {
        CacheConfig c = CacheConfig.builder("products").build();

        assertThat(c.l1()).isTrue();
        assertThat(c.l2()).isFalse();
        assertThat(c.maximumSize()).isEqualTo(10_000);
        assertThat(c.ttl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.refreshAfter()).isEmpty();
        assertThat(c.namespace()).isEqualTo("bulwark:cache");
        assertThat(c.version()).isEqualTo("1");
        assertThat(c.earlyRefreshBeta()).isEqualTo(1.0);
    }

    @Test
    void eachSetterNamesTheSettingAndTheBadValue() {
        CacheConfig.Builder b = CacheConfig.builder("products");

        assertThatThrownBy(() -> b.maximumSize(0)).hasMessage("maximumSize must be >= 1 but was 0");
        assertThatThrownBy(() -> b.ttl(Duration.ZERO)).hasMessage("ttl must be > 0 but was PT0S");
        assertThatThrownBy(() -> b.earlyRefreshBeta(-1)).hasMessage("earlyRefreshBeta must be between 0 and 100 but was -1.0");
        assertThatThrownBy(() -> b.tags("a,b")).hasMessageContaining("'a,b'");
        assertThatThrownBy(() -> b.l2("http://localhost")).hasMessageContaining("redis://");
        assertThatThrownBy(() -> CacheConfig.builder("bad name").build()).hasMessageContaining("'bad name'");
    }

    @Test
    void theWholeIsCheckedTooRefreshAfterShorterThanTheTtlAndOneLevelAtLeast() {
        assertThatThrownBy(() -> CacheConfig.builder("c").ttl(Duration.ofMinutes(1)).refreshAfter(Duration.ofMinutes(2)).build())
                .hasMessage("refreshAfter must be shorter than ttl (1m) but was 2m");
        assertThatThrownBy(() -> CacheConfig.builder("c").l1(false).build())
                .hasMessage("cache 'c' needs at least one level: l1, l2 or both");
    }

    @Test
    void toStringHidesThePasswordOfTheRedisUri() {
        CacheConfig c = CacheConfig.builder("c").l2("redis://:secret@127.0.0.1:6379").build();

        assertThat(c.toString()).doesNotContain("secret").contains("redis://***@127.0.0.1:6379");
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void anL2WithoutRedisIsRefusedAtBuild() {
        assertThatThrownBy(() -> Caches.builder("c", Item.class).l1(false).build())
                .hasMessageContaining("needs at least one level");
        assertThatThrownBy(() -> Caches.builder(CacheConfig.builder("c").l2(true).build(), Item.class).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("l2(\"redis://host:port\")");
    }

    @Test
    void theKeyTypeIsSetBeforeTheLoader() {
        assertThatThrownBy(() -> Caches.builder("c", Item.class).loader(id -> null).keys(Long.class))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("before the loader");
    }
}
