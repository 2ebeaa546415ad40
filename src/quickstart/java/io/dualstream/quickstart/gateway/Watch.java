package io.dualstream.quickstart.gateway;

import java.util.regex.Pattern;

/**
 * What one browser watches: a channel ({@code events:repo:org1/repo-2}, one SUBSCRIBE) or a Redis glob pattern
 * ({@code events:repo:*}, one PSUBSCRIBE). The same expression filters the recent events read back from Kafka,
 * with the same glob rules Redis applies, so both halves of a stream agree on what belongs to it.
 *
 * @param expression the channel or pattern, as given to Redis
 * @param pattern whether it is a pattern (it holds {@code *}, {@code ?} or {@code [})
 */
public record Watch(String expression, boolean pattern, Pattern regex) {

    private static final int MAX_LENGTH = 200;

    /**
     * Parses what the page's box sent. Only channels under {@code namespace} (the connector's channel template up to
     * its first placeholder, {@code events:}) can be watched: the gateway serves the connector's notifications, not
     * whatever else the Redis carries.
     */
    public static Watch parse(String text, String namespace) {
        String expression = text == null || text.isBlank() ? namespace + "*" : text.trim();
        if (!expression.startsWith(namespace)) {
            throw new IllegalArgumentException("watch must start with " + namespace + ", for example " + namespace
                    + "* or " + namespace + "repo:*, not '" + expression + "'");
        }
        if (expression.length() > MAX_LENGTH || expression.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("watch must be at most " + MAX_LENGTH
                    + " characters without spaces or control characters");
        }
        boolean pattern = expression.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
        return new Watch(expression, pattern, pattern ? Pattern.compile(globToRegex(expression)) : null);
    }

    public boolean matches(String channel) {
        return pattern ? regex.matcher(channel).matches() : expression.equals(channel);
    }

    /** The Redis command that subscribes to it, for the page's status line. */
    public String command() {
        return (pattern ? "PSUBSCRIBE " : "SUBSCRIBE ") + expression;
    }

    /** Redis's glob: {@code *}, {@code ?}, {@code [abc]}, {@code [^a-z]}, and {@code \} escaping the next character. */
    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                case '\\' -> {
                    if (i + 1 < glob.length()) {
                        literal(regex, glob.charAt(++i));
                    } else {
                        literal(regex, c);
                    }
                }
                case '[' -> {
                    int close = glob.indexOf(']', i + 2);
                    if (close < 0) {
                        literal(regex, c); // an unclosed bracket matches itself
                        break;
                    }
                    regex.append('[');
                    int j = i + 1;
                    if (glob.charAt(j) == '^') {
                        regex.append('^');
                        j++;
                    }
                    for (; j < close; j++) {
                        char member = glob.charAt(j);
                        if (member == '-' && j > i + 1 && j + 1 < close) {
                            regex.append('-');
                        } else {
                            if (member == '\\' && j + 1 < close) {
                                member = glob.charAt(++j);
                            }
                            literal(regex, member);
                        }
                    }
                    regex.append(']');
                    i = close;
                }
                default -> literal(regex, c);
            }
        }
        return regex.toString();
    }

    private static void literal(StringBuilder regex, char c) {
        if (Character.isLetterOrDigit(c)) {
            regex.append(c);
        } else {
            regex.append('\\').append(c);
        }
    }
}
