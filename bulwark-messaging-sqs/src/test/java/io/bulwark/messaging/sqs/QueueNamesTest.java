package io.bulwark.messaging.sqs;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueNamesTest {

    private final QueueNames names = new QueueNames("bulwark-");

    @Test
    void namesAGroupsQueueAndTheDeadLetters() {
        assertThat(names.group("orders", "billing")).isEqualTo("bulwark-orders__billing");
        assertThat(names.group("orders.created", "bill_ing")).isEqualTo("bulwark-orders_ocreated__bill_uing");
        assertThat(names.dead("orders.created")).isEqualTo("bulwark-orders_ocreated_dead");
        assertThat(names.groupPrefix("orders")).isEqualTo("bulwark-orders__");
    }

    @Test
    void readsTheGroupBackOnlyFromItsTopicsQueues() {
        assertThat(names.groupOf("a.b", "bulwark-a_ob__c_od")).isEqualTo("c.d");
        assertThat(names.groupOf("a", "bulwark-a_ob__c")).as("topic a.b's group, not a's").isNull();
        assertThat(names.groupOf("a", "bulwark-a_dead")).isNull();
        assertThat(names.groupOf("a", "bulwark-a__")).isNull();
        assertThat(names.groupOf("a", "bulwark-a__x_y")).as("not an escape").isNull();
    }

    @Test
    void refusesNamesThatMakeAQueueNameOverEightyCharacters() {
        names.requireFits("t".repeat(30), "g".repeat(40));
        assertThatThrownBy(() -> names.requireFits("t.".repeat(20), "g".repeat(20)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("topic and group: on SQS the queue name 'bulwark-t_ot_o")
                .hasMessageContaining("would have 90 characters, more than SQS's 80");
        assertThatThrownBy(() -> names.requireFits("t".repeat(80))).hasMessageStartingWith("topic: on SQS the queue name");
    }

    /** Different (topic, group) pairs never share a queue, nor a group queue the dead letters; every name is SQS's. */
    @Property
    void everyQueueNameIsItsOwnAndReadsBack(
            @ForAll @Chars({'a', 'b', '.', '_', '-'}) @StringLength(min = 1, max = 6) String topic1,
            @ForAll @Chars({'a', 'b', '.', '_', '-'}) @StringLength(min = 1, max = 6) String group1,
            @ForAll @Chars({'a', 'b', '.', '_', '-'}) @StringLength(min = 1, max = 6) String topic2,
            @ForAll @Chars({'a', 'b', '.', '_', '-'}) @StringLength(min = 1, max = 6) String group2) {
        assertThat(names.group(topic1, group1)).matches("[A-Za-z0-9_-]+");
        assertThat(names.groupOf(topic1, names.group(topic1, group1))).isEqualTo(group1);
        assertThat(names.group(topic1, group1)).isNotEqualTo(names.dead(topic2));
        assertThat(names.groupOf(topic2, names.dead(topic1))).isNull();
        Assume.that(!topic1.equals(topic2) || !group1.equals(group2));
        assertThat(names.group(topic1, group1)).isNotEqualTo(names.group(topic2, group2));
        if (!topic1.equals(topic2)) {
            assertThat(names.groupOf(topic2, names.group(topic1, group1))).as("listed under another topic").isNull();
        }
    }
}
