package io.dualstream.connect.redis.mapping;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The value paths (or the key paths) that a mapper's channel template and notification fields reference,
 * compiled at start into one tree of field names, so that one pass over JSON text can capture exactly those
 * fields and skip the rest.
 *
 * <p>Every referenced path gets a slot. Slots are numbered depth first, so the slots of a node and of everything
 * below it are one range: when a key repeats in an object, the later value replaces the earlier one with all it
 * contained (the last one wins, as in Jackson's tree), and clearing that range forgets what the earlier one gave.
 */
final class JsonPaths {

    /** One field name on the way to referenced paths. */
    static final class Node {
        private final Map<String, Node> children = new HashMap<>();
        /** The children again, by the UTF-8 bytes of their names, for reading bytes without decoding names. */
        private byte[][] childNames = new byte[0][];
        private Node[] childNodes = new Node[0];
        private boolean referenced;
        private int slot = -1;
        private int firstSlot;
        private int endSlot;
        /** Referenced paths strictly below this node, relative to it, and their slots. */
        private FieldPath[] below = new FieldPath[0];
        private int[] belowSlots = new int[0];

        Node child(String name) {
            return children.get(name);
        }

        /** The child named by these bytes (well-formed UTF-8, no escapes), or null. */
        Node child(byte[] utf8, int from, int to) {
            int length = to - from;
            byte[][] names = childNames;
            for (int k = 0; k < names.length; k++) {
                if (names[k].length == length && same(names[k], utf8, from)) {
                    return childNodes[k];
                }
            }
            return null;
        }

        /** A loop: names are short, shorter than what makes {@code Arrays.equals} pay off. */
        private static boolean same(byte[] name, byte[] utf8, int from) {
            for (int i = 0; i < name.length; i++) {
                if (name[i] != utf8[from + i]) {
                    return false;
                }
            }
            return true;
        }

        /** Whether this node is a referenced path itself (its value is captured, whatever it is). */
        boolean referenced() {
            return referenced;
        }

        /** Whether referenced paths go further down (through an object value). */
        boolean hasChildren() {
            return !children.isEmpty();
        }

        int slot() {
            return slot;
        }

        int firstSlot() {
            return firstSlot;
        }

        int endSlot() {
            return endSlot;
        }

        /** Referenced paths below this node, relative to it: looked up in its value when that is captured whole. */
        FieldPath[] below() {
            return below;
        }

        int[] belowSlots() {
            return belowSlots;
        }
    }

    private final Node root;
    private final int slots;
    /** The paths it was compiled from, and their slots: the references' own paths are found by identity. */
    private final FieldPath[] compiled;
    private final int[] compiledSlots;

    private JsonPaths(Node root, int slots, FieldPath[] compiled) {
        this.root = root;
        this.slots = slots;
        this.compiled = compiled;
        this.compiledSlots = new int[compiled.length];
        for (int i = 0; i < compiled.length; i++) {
            compiledSlots[i] = walk(compiled[i]);
        }
    }

    static JsonPaths of(Collection<FieldPath> paths) {
        Node root = new Node();
        for (FieldPath path : paths) {
            Node node = root;
            for (String segment : path.segments()) {
                node = node.children.computeIfAbsent(segment, name -> new Node());
            }
            node.referenced = true;
        }
        int slots = number(root, 0);
        describeBelow(root);
        indexByBytes(root);
        return new JsonPaths(root, slots, paths.toArray(new FieldPath[0]));
    }

    private static int number(Node node, int next) {
        node.firstSlot = next;
        if (node.referenced) {
            node.slot = next++;
        }
        for (Node child : node.children.values()) {
            next = number(child, next);
        }
        node.endSlot = next;
        return next;
    }

    /** Fills in {@link Node#below} for every node. */
    private static void describeBelow(Node node) {
        List<FieldPath> below = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        collect(node, new ArrayList<>(), below, slots, true);
        node.below = below.toArray(new FieldPath[0]);
        node.belowSlots = slots.stream().mapToInt(Integer::intValue).toArray();
        for (Node child : node.children.values()) {
            describeBelow(child);
        }
    }

    /** Fills in the children by name bytes for every node. */
    private static void indexByBytes(Node node) {
        List<byte[]> names = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            // A name with an unpaired surrogate has no UTF-8 form: well-formed bytes never name it.
            if (StandardCharsets.UTF_8.newEncoder().canEncode(child.getKey())) {
                names.add(child.getKey().getBytes(StandardCharsets.UTF_8));
                nodes.add(child.getValue());
            }
            indexByBytes(child.getValue());
        }
        node.childNames = names.toArray(new byte[0][]);
        node.childNodes = nodes.toArray(new Node[0]);
    }

    private static void collect(Node node, List<String> relative, List<FieldPath> below, List<Integer> slots,
                                boolean start) {
        if (!start && node.referenced) {
            below.add(FieldPath.parse(String.join(".", relative)));
            slots.add(node.slot);
        }
        for (Map.Entry<String, Node> child : node.children.entrySet()) {
            relative.add(child.getKey());
            collect(child.getValue(), relative, below, slots, false);
            relative.remove(relative.size() - 1);
        }
    }

    Node root() {
        return root;
    }

    int slots() {
        return slots;
    }

    /** The slot of a compiled path, or -1 when the path was not compiled into this set. */
    int slotOf(FieldPath path) {
        // Per record and reference: a few comparisons by identity, not a map lookup per segment.
        for (int i = 0; i < compiled.length; i++) {
            if (compiled[i] == path) {
                return compiledSlots[i];
            }
        }
        return walk(path);
    }

    private int walk(FieldPath path) {
        Node node = root;
        for (String segment : path.segments()) {
            node = node.children.get(segment);
            if (node == null) {
                return -1;
            }
        }
        return node.slot;
    }
}
