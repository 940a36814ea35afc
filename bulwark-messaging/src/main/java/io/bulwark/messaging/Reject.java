package io.bulwark.messaging;

/** Thrown by a handler for a message no redelivery can fix: it goes to the dead letters at once, with this message as the reason. */
public class Reject extends RuntimeException {

    public Reject(String reason) {
        super(reason);
    }

    public Reject(String reason, Throwable cause) {
        super(reason, cause);
    }
}
