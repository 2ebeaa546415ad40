package io.dualstream.connect.redis.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compiled {@code channel.template}: one or more {@link ChannelTemplate}s, in order. A record is published
 * to every distinct channel they render for it, so that aggregate channels ({@code events:{source_type}},
 * {@code events:all}) can carry the same notification as the per-source one.
 */
public final class ChannelTemplates {

    private final ChannelTemplate[] templates;

    private ChannelTemplates(ChannelTemplate[] templates) {
        this.templates = templates;
    }

    /** @throws IllegalArgumentException naming the template that is wrong */
    public static ChannelTemplates parse(List<String> entries) {
        if (entries == null || entries.isEmpty()) {
            throw new IllegalArgumentException("no template; use for example events:{source_type}:{source_id}");
        }
        List<ChannelTemplate> templates = new ArrayList<>(entries.size());
        for (String entry : entries) {
            try {
                templates.add(ChannelTemplate.parse(entry.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(entries.size() == 1 ? e.getMessage()
                        : "template '" + entry.trim() + "': " + e.getMessage(), e);
            }
        }
        if (templates.stream().allMatch(ChannelTemplate::optional)) {
            throw new IllegalArgumentException("every template is optional (starts with ?); at least one must be "
                    + "required, so that each record has a channel");
        }
        return new ChannelTemplates(templates.toArray(new ChannelTemplate[0]));
    }

    /** The most channels one record can be published to. */
    public int size() {
        return templates.length;
    }

    /** One channel per template, each reference replaced by {@code sample}; for validate()'s ACL check. */
    public List<String> samples(String sample) {
        return Arrays.stream(templates).map(template -> template.sample(sample)).distinct().toList();
    }

    /** The references of every template, in order. */
    List<Reference> references() {
        List<Reference> references = new ArrayList<>();
        for (ChannelTemplate template : templates) {
            references.addAll(template.references());
        }
        return references;
    }

    /**
     * Renders the distinct channels of the record in {@code view} into {@code channels}, in template order.
     *
     * @param scratch  reused for each channel
     * @param channels at least {@link #size()} long
     * @return how many channels were rendered (at least one)
     * @throws MalformedRecordException when a required template cannot be rendered or a channel is longer than
     *                                  {@code maxBytes}
     */
    int render(RecordView view, ByteSink scratch, int maxBytes, byte[][] channels) {
        int count = 0;
        for (ChannelTemplate template : templates) {
            scratch.reset();
            if (!template.render(view, scratch)) {
                continue;
            }
            if (scratch.size() > maxBytes) {
                throw new MalformedRecordException("channel is " + scratch.size() + " bytes, more than channel.max.bytes="
                        + maxBytes + (templates.length == 1 ? "" : " (template " + template + ")"));
            }
            if (!renderedBefore(scratch, channels, count)) {
                channels[count++] = scratch.toByteArray();
            }
        }
        return count;
    }

    private static boolean renderedBefore(ByteSink channel, byte[][] channels, int count) {
        for (int i = 0; i < count; i++) {
            if (Arrays.equals(channels[i], 0, channels[i].length, channel.array(), 0, channel.size())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (ChannelTemplate template : templates) {
            text.append(text.length() == 0 ? "" : ",").append(template);
        }
        return text.toString();
    }
}
