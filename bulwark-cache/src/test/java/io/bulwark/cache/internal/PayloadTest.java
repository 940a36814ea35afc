package io.bulwark.cache.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bulwark.cache.CacheCodec;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PayloadTest {

    record Product(String sku, int price) {
    }

    private final CacheCodec<Product> codec = CacheCodec.json(Product.class);

    @Test
    void anEntryComesBackAsItWasWrittenWithoutItsSource() {
        Entry<Product> e = new Entry<>(new Product("sku\n42", 10), Set.of("catalog", "shoes"), 1000, 2000, 1_250_000, null);

        Entry<Product> back = Payload.decode(Payload.encode(e, codec), codec);

        assertThat(back).isEqualTo(e);
    }

    @Test
    void textThatIsNotAnEntryIsRefused() {
        assertThatThrownBy(() -> Payload.decode("{\"sku\":\"a\"}", codec)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Payload.decode("bwc0\n1\n2\n3\n\n{}", codec)).hasMessageContaining("format");
        assertThatThrownBy(() -> Payload.decode("bwc1\nx\n2\n3\n\n{}", codec)).hasMessageContaining("header");
        assertThatThrownBy(() -> Payload.decode("bwc1\n1\n2\n3\n\n{\"other\":1}", codec))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aMessageNamesItsOriginTypeAndArgumentEvenWithBarsInTheKey() {
        Message m = new Message("node-1", Message.KEY, "a|b|c");

        assertThat(Message.parse(m.format())).isEqualTo(m);
        assertThat(Message.parse("garbage")).isNull();
        assertThat(Message.parse(new Message("n", Message.ALL, "").format())).isEqualTo(new Message("n", Message.ALL, ""));
    }
}
