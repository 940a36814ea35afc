package io.bulwark.test.services;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;

/** The opening exchange of one wire protocol, just far enough to prove who is answering. */
@FunctionalInterface
interface Handshake {

    /**
     * Returns what the server said, for the probe's reason.
     *
     * @throws IOException if the server did not answer, or answered as something else; the
     *     message says what it sent and what was expected
     */
    String exchange(DataInputStream in, OutputStream out) throws IOException;
}
