package io.bulwark.messaging;

/** The broker could not be reached, or refused an operation: says which broker, what was asked and why. */
public class MessagingException extends RuntimeException {

    public MessagingException(String message, Throwable cause) {
        super(message, cause);
    }

    public MessagingException(String message) {
        super(message);
    }
}
