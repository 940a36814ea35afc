package io.bulwark.messaging;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The names are checked with a loop per character, not a matcher: it must accept exactly what the patterns match. */
class NamesTest {

    @Property(tries = 3000)
    void theCheckAcceptsExactlyWhatThePatternsMatch(@ForAll("names") String s) {
        assertThat(Names.matches(s, 200)).isEqualTo(Names.TOPIC.matcher(s).matches());
        assertThat(Names.matches(s, 64)).isEqualTo(Names.HEADER.matcher(s).matches());
    }

    @Provide
    Arbitrary<String> names() {
        Arbitrary<String> near = Arbitraries.strings().withChars("azAZ09._-").withChars(":/ é\u0660\uFF21+")
                .ofMinLength(0).ofMaxLength(210);
        Arbitrary<String> valid = Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("._-").ofMinLength(0).ofMaxLength(210);
        return Arbitraries.oneOf(near, valid, Arbitraries.strings().ofMaxLength(70));
    }

    @Property(tries = 200)
    void aBadTopicIsRefusedNamingTheField(@ForAll("names") String s) {
        if (!Names.TOPIC.matcher(s).matches()) {
            assertThatThrownBy(() -> Names.require("topic", s)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("topic must be 1-200 letters");
        } else {
            assertThat(Names.require("topic", s)).isSameAs(s);
        }
    }
}
