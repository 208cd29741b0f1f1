package io.weathertweets.ingress.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NumericNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;
import tools.jackson.databind.node.ValueNode;

/**
 * Builds one body's JSON tree within a heap budget. A tree's heap depends on what its body holds,
 * not on its length: a real tweet parses into about 7 times its JSON, a body of empty objects
 * ({@code [{},{},...]}) into 28 times, as each three bytes become an object node. Every node is
 * charged what it takes on the heap (approximately, for a 64-bit JVM with compressed references),
 * and the parse stops with {@link TooLarge} once the budget is spent, so that the ingress's bound
 * on body bytes in flight also bounds the trees' memory. Not shared: one instance per body.
 */
final class BoundedNodeFactory extends JsonNodeFactory {
  /** Heap of an object node with its map, before any field. */
  static final int OBJECT = 96;

  /** Heap of an array node with its list, before any element. */
  static final int ARRAY = 56;

  /** Heap of a field or element: its map entry or list slot, and the node's own header. */
  static final int VALUE = 40;

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
