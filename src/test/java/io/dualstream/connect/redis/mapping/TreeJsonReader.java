package io.dualstream.connect.redis.mapping;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Locale;

/**
 * The test oracle: how the connector read JSON text before {@link CapturingJsonReader}, kept as it was. Jackson's
 * {@code readTree} builds the whole tree (trailing tokens rejected) and the references walk it.
 */
final class TreeJsonReader implements JsonTextReader {

    // Trailing tokens make "{...} junk" malformed instead of silently half-read.
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @Override
    public Object readObject(String text) {
        return parseObject(text, null);
    }

    @Override
    public Object readObject(byte[] bytes) {
        return parseObject(null, bytes);
    }

    private JsonNode parseObject(String text, byte[] bytes) {
        JsonNode node;
        try {
            node = text != null ? json.readTree(text) : json.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new MalformedRecordException("value is not valid JSON" + where);
        } catch (IOException e) {
            throw new MalformedRecordException("value is not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (node == null || !node.isObject()) {
            String kind = node == null || node.isMissingNode() ? "empty" : node.getNodeType().name().toLowerCase(Locale.ROOT);
            throw new MalformedRecordException("value is JSON " + kind + ", not a JSON object");
        }
        return node;
    }
}
