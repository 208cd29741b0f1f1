package io.weathertweets.ingress.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.NumericNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.databind.node.ValueNode;

/**
 * Builds one body's JSON tree within a heap budget. A tree's heap depends on what its body holds,
 * not on its length: a real tweet parses into about 7 times its JSON, a body of empty objects
 * ({@code [{},{},...]}) into about 30 times, as each three bytes become an object node. Every node
 * is charged about what it takes on the heap with its map entry or list slot (for a 64-bit JVM with
 * compressed references; a course tweet is charged 6 times its bytes), and the parse stops with
 * {@link TooLarge} once the budget is spent, so that the ingress's bound on body bytes in flight
 * also bounds the trees' memory. Jackson's tree deserializer makes every node through this factory.
 * Not shared: one instance per body, and the tree is only read afterwards (a node added to it later
 * would be charged to the spent budget).
 */
final class BoundedNodeFactory extends JsonNodeFactory {
  /** Heap of an object node with its map, before any field. */
  static final int OBJECT = 96;

  /** Heap of an array node with its list, before any element. */
  static final int ARRAY = 56;

  /** Heap of a field's map entry or an element's list slot, the node's share of the table. */
  static final int ENTRY = 40;

  /** Heap of a field or element: its entry, and the node itself. */
  static final int VALUE = ENTRY + 16;

  private long left;

  BoundedNodeFactory(long budget) {
    this.left = budget;
  }

  /** The budget ran out; nothing of the tree is used. */
  static final class TooLarge extends RuntimeException {
    TooLarge() {
      super("the JSON tree exceeds its heap budget", null, false, false);
    }
  }

  private void charge(long bytes) {
    left -= bytes;
    if (left < 0) {
      throw new TooLarge();
    }
  }

  /** The node is shared; its entry is not. */
  @Override
  public BooleanNode booleanNode(boolean v) {
    charge(ENTRY);
    return super.booleanNode(v);
  }

  /** The node is shared; its entry is not. */
  @Override
  public NullNode nullNode() {
    charge(ENTRY);
    return super.nullNode();
  }

  @Override
  public ObjectNode objectNode() {
    charge(OBJECT + VALUE);
    return super.objectNode();
  }

  @Override
  public ArrayNode arrayNode() {
    charge(ARRAY + VALUE);
    return super.arrayNode();
  }

  @Override
  public ArrayNode arrayNode(int capacity) {
    charge(ARRAY + VALUE + 4L * Math.max(capacity, 0));
    return super.arrayNode(capacity);
  }

  @Override
  public StringNode stringNode(String text) {
    charge(VALUE + 24 + (text == null ? 0 : text.length() * 2L));
    return super.stringNode(text);
  }

  @Override
  public NumericNode numberNode(int v) {
    charge(VALUE);
    return super.numberNode(v);
  }

  @Override
  public NumericNode numberNode(long v) {
    charge(VALUE);
    return super.numberNode(v);
  }

  @Override
  public ValueNode numberNode(BigInteger v) {
    charge(VALUE + 32 + (v == null ? 0 : v.bitLength() / 8));
    return super.numberNode(v);
  }

  @Override
  public NumericNode numberNode(float v) {
    charge(VALUE);
    return super.numberNode(v);
  }

  @Override
  public NumericNode numberNode(double v) {
    charge(VALUE);
    return super.numberNode(v);
  }

  @Override
  public ValueNode numberNode(BigDecimal v) {
    charge(VALUE + 48 + (v == null ? 0 : v.unscaledValue().bitLength() / 8));
    return super.numberNode(v);
  }
}
