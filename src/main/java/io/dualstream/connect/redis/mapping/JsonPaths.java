package io.dualstream.connect.redis.mapping;

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

    private JsonPaths(Node root, int slots) {
        this.root = root;
        this.slots = slots;
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
        return new JsonPaths(root, slots);
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
