package io.bulwark.messaging.sqs;

/**
 * The names of a broker's queues. SQS names are 1-80 letters, digits, '-' or '_', so topic and
 * group names (which may also hold '.') are escaped: {@code _} becomes {@code _u} and {@code .}
 * becomes {@code _o}; everything else stays.
 *
 * <pre>
 * bulwark-orders_ocreated__billing     group billing of topic orders.created
 * bulwark-orders_ocreated_dead         the dead letters of topic orders.created
 * </pre>
 *
 * <p>Why this is unambiguous: in an escaped name every {@code _} is followed by {@code u} or
 * {@code o}, so {@code __} (between topic and group) and {@code _d} (before {@code ead}) occur only
 * where this class puts them. So {@code ListQueues} with the prefix
 * {@code <prefix><topic>__} lists exactly that topic's groups (and no other topic's, nor its dead
 * letters), and the group is read back from the name. A prefix that starts another broker's
 * prefix ({@code bulwark-} and {@code bulwark-x}) would see that broker's queues: give brokers that
 * share an account and region prefixes that do not start one another.
 */
final class QueueNames {

    /** The most characters SQS allows in a queue name. */
    static final int MAX = 80;
    private static final String GROUP_SEPARATOR = "__";
    private static final String DEAD = "_dead";

    private final String prefix;

    QueueNames(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    static String escape(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '_' -> out.append("_u");
                case '.' -> out.append("_o");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The name {@link #escape} made {@code escaped} from, or null when no name escapes to it. */
    static String unescape(String escaped) {
        StringBuilder out = new StringBuilder(escaped.length());
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c != '_') {
                out.append(c);
                continue;
            }
            if (i + 1 >= escaped.length()) {
                return null;
            }
            char next = escaped.charAt(++i);
            if (next == 'u') {
                out.append('_');
            } else if (next == 'o') {
                out.append('.');
            } else {
                return null;
            }
        }
        return out.toString();
    }

    /** What every group queue of {@code topic} starts with, for {@code ListQueues}. */
    String groupPrefix(String topic) {
        return prefix + escape(topic) + GROUP_SEPARATOR;
    }

    String group(String topic, String group) {
        return groupPrefix(topic) + escape(group);
    }

    String dead(String topic) {
        return prefix + escape(topic) + DEAD;
    }

    /** The group whose queue of {@code topic} is named {@code queueName}, or null when it is not one. */
    String groupOf(String topic, String queueName) {
        String start = groupPrefix(topic);
        if (!queueName.startsWith(start) || queueName.length() == start.length()) {
            return null;
        }
        return unescape(queueName.substring(start.length()));
    }

    /** Fails, naming both fields, when the group's queue name (or the topic's dead letters') is over SQS's 80 characters. */
    void requireFits(String topic, String group) {
        int length = Math.max(group(topic, group).length(), dead(topic).length());
        if (length > MAX) {
            throw new IllegalArgumentException("topic and group: on SQS the queue name " + quote(group(topic, group))
                    + " would have " + length + " characters, more than SQS's " + MAX + " ('_' and '.' take two each, and"
                    + " the prefix '" + prefix + "' " + prefix.length() + "); use shorter names");
        }
    }

    /** Fails, naming the topic, when its dead letters' queue name is over SQS's 80 characters. */
    void requireFits(String topic) {
        if (dead(topic).length() > MAX) {
            throw new IllegalArgumentException("topic: on SQS the queue name " + quote(dead(topic)) + " would have "
                    + dead(topic).length() + " characters, more than SQS's " + MAX + "; use a shorter topic");
        }
    }

    private static String quote(String s) {
        return "'" + (s.length() > 100 ? s.substring(0, 100) + "..." : s) + "'";
    }
}
