package io.dualstream.quickstart;

/** A problem the user can fix; its message says how, and is printed without a stack trace. */
public final class QuickstartException extends RuntimeException {

    public QuickstartException(String message) {
        super(message);
    }

    public QuickstartException(String message, Throwable cause) {
        super(message, cause);
    }
}
