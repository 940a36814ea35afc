package io.bulwark.kubernetes.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps the last {@code max} bytes of a stream without holding more than twice that, so a
 * pod that logged gigabytes costs a bounded buffer.
 */
final class LogTail {

    private LogTail() {
    }

    /** The last {@code max} bytes of {@code in} as UTF-8 text, starting on a whole character. */
    static String of(InputStream in, int max) throws IOException {
        byte[] buf = new byte[2 * max];
        int len = 0;
        boolean cut = false;
        int n;
        while ((n = in.read(buf, len, buf.length - len)) != -1) {
            len += n;
            if (len == buf.length) {
                System.arraycopy(buf, len - max, buf, 0, max);
                len = max;
                cut = true;
            }
        }
        int start = Math.max(0, len - max);
        cut |= start > 0;
        while (cut && start < len && (buf[start] & 0xC0) == 0x80) {
            start++; // a UTF-8 continuation byte: the character it belongs to was cut
        }
        return new String(buf, start, len - start, StandardCharsets.UTF_8);
    }
}
