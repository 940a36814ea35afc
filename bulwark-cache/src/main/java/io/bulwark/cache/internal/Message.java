package io.bulwark.cache.internal;

/**
 * What one node tells the others on the cache's channel: {@code origin|type|argument}, where the
 * origin is the sending cache instance (which ignores its own messages) and the type is one of
 * {@code k} (key changed or removed), {@code t} (tag removed), {@code a} (all removed), {@code f}
 * (a fleet load ended: waiters may read the L2).
 */
record Message(String origin, char type, String argument) {

    static final char KEY = 'k';
    static final char TAG = 't';
    static final char ALL = 'a';
    static final char FILLED = 'f';

    String format() {
        return origin + '|' + type + '|' + argument;
    }

    /** The message, or {@code null} when the text is not one (another program on the channel). */
    static Message parse(String text) {
        int first = text.indexOf('|');
        if (first < 0 || first + 2 >= text.length() || text.charAt(first + 2) != '|') {
            return null;
        }
        return new Message(text.substring(0, first), text.charAt(first + 1), text.substring(first + 3));
    }
}
