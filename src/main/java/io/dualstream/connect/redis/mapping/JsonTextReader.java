package io.dualstream.connect.redis.mapping;

/**
 * Turns a record's JSON text (a {@code String} or UTF-8 {@code byte[]} value or key, as {@code StringConverter}
 * and {@code ByteArrayConverter} hand it over) into an object that {@link FieldPath} can walk.
 */
interface JsonTextReader {

    /** @throws MalformedRecordException when the text is not one valid JSON object; the message never quotes it */
    Object readObject(String text);

    /** @throws MalformedRecordException when the bytes are not one valid JSON object; the message never quotes them */
    Object readObject(byte[] bytes);
}
