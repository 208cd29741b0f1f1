package io.weathertweets.ingress.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body into a JSON tree, never more than a limit: the limit is checked against
 * Content-Length before reading and enforced while reading (chunked bodies have no length).
 *
 * <p>The tree's heap is bounded too, not only the body's bytes: a body of empty objects ({@code
 * [{},{},...]}) would parse into a tree of about 30 times its bytes, where a real tweet's is about
 * 7 times its JSON. The tree may take at most {@value #TREE_BYTES_PER_BODY_BYTE} times the body's
 * bytes (plus {@value #TREE_BYTES_FLOOR} bytes), counted per node by {@link BoundedNodeFactory}, so
 * that the bound on batch body bytes in flight also bounds the batches' memory.
 */
@Component
class JsonBodyReader {
  static final int TREE_BYTES_PER_BODY_BYTE = 12;
  static final int TREE_BYTES_FLOOR = 4096;

  private final ObjectReader reader;

  JsonBodyReader(JsonMapper jsonMapper) {
    // A duplicated field would be ambiguous (which temperature counts?), trailing garbage a broken
    // client.
    this.reader =
        jsonMapper
            .reader()
            .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  static long treeBudget(int bodyBytes) {
    return (long) bodyBytes * TREE_BYTES_PER_BODY_BYTE + TREE_BYTES_FLOOR;
  }

  JsonNode read(HttpServletRequest request, DataSize limit) {
    long max = limit.toBytes();
    if (request.getContentLengthLong() > max) {
      throw tooLarge(request, max);
    }
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(Math.toIntExact(max + 1));
    } catch (IOException e) {
      throw Problems.malformed("The request body could not be read: " + e.getMessage());
    }
    if (body.length > max) {
      throw tooLarge(request, max);
    }
    if (body.length == 0) {
      throw Problems.malformed("The request body is empty; a JSON document is required");
    }
    int invalid = firstInvalidUtf8(body);
    if (invalid >= 0) {
      throw Problems.malformed("The request body is not valid UTF-8 (byte " + invalid + ")");
    }
    long budget = treeBudget(body.length);
    try {
      JsonNode node = reader.with(new BoundedNodeFactory(budget)).readTree(body);
      if (node == null || node.isMissingNode()) {
        throw Problems.malformed("The request body holds no JSON value");
      }
      return node;
    } catch (BoundedNodeFactory.TooLarge e) {
      throw Problems.tooLarge(
          "The body of "
              + request.getMethod()
              + " "
              + request.getRequestURI()
              + " holds more JSON values than its "
              + body.length
              + " bytes may: its tree would take over "
              + budget
              + " bytes of heap (at most "
              + TREE_BYTES_PER_BODY_BYTE
              + " per byte of body; a tweet takes about 6)",
          1);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw Problems.malformed("Malformed JSON" + where + ": " + e.getOriginalMessage());
    }
  }

  /**
   * Jackson's UTF-8 decoder accepts overlong forms (C0 AF reads as '/'), so one id could arrive
   * spelled in several byte sequences, and a filter looking at bytes would see something else than
   * the code. The JDK's decoder rejects every ill-formed sequence (overlong forms, encoded
   * surrogates, bytes beyond U+10FFFF).
   *
   * @return the offset of the first byte that is not well-formed UTF-8, or -1 when all are
   */
  static int firstInvalidUtf8(byte[] body) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(body);
    CharBuffer out = CharBuffer.allocate(Math.min(body.length, 8192) + 1);
    while (true) {
      CoderResult result = decoder.decode(in, out, true);
      if (result.isError()) {
        return in.position();
      }
      if (result.isUnderflow()) {
        return decoder.flush(out).isError() ? in.position() : -1;
      }
      out.clear();
    }
  }

  private static ProblemException tooLarge(HttpServletRequest request, long max) {
    return Problems.tooLarge(
        "The body of "
            + request.getMethod()
            + " "
            + request.getRequestURI()
            + " may be at most "
            + max
            + " bytes",
        1);
  }
}
