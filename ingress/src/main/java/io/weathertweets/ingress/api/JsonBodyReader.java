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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a request body into a JSON tree, never more than a limit: the limit is checked against
 * Content-Length before reading and enforced while reading (chunked bodies have no length).
 *
 * <p>The tree's heap is bounded too, not only the body's bytes: a body of empty objects ({@code
 * [{},{},...]}) is a node per three bytes, a tree of 28 times its body, where a real tweet's tree
 * is a few times its JSON. Parsing stops after {@value #TOKENS_PER_TWEET} JSON tokens per tweet the
 * body may hold (a tweet's own fields take 16; the rest leaves room for extra fields, which are
 * ignored), so that the batch byte budget in flight also bounds the batches' memory.
 */
@Component
class JsonBodyReader {
  /** JSON tokens (brackets, field names, values) read per tweet a body may hold. */
  static final int TOKENS_PER_TWEET = 64;

  private final JsonMapper jsonMapper;
  private final Map<Integer, ObjectReader> readers = new ConcurrentHashMap<>();

  JsonBodyReader(JsonMapper jsonMapper) {
    this.jsonMapper = jsonMapper;
  }

  /** The reader for bodies of at most {@code tweets} tweets. */
  private ObjectReader reader(int tweets) {
    return readers.computeIfAbsent(
        tweets,
        n -> {
          JsonFactory factory =
              ((JsonFactory) jsonMapper.tokenStreamFactory())
                  .rebuild()
                  .streamReadConstraints(
                      jsonMapper
                          .tokenStreamFactory()
                          .streamReadConstraints()
                          .rebuild()
                          .maxTokenCount(maxTokens(n))
                          .build())
                  .build();
          // A duplicated field would be ambiguous (which temperature counts?), trailing garbage a
          // broken client.
          return JsonMapper.builder(factory)
              .build()
              .reader()
              .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        });
  }

  static long maxTokens(int tweets) {
    // The brackets of a batch's array come on top.
    return (long) tweets * TOKENS_PER_TWEET + 2;
  }

  /**
   * The body as a JSON tree.
   *
   * @param limit most bytes the body may have
   * @param tweets most tweets the body may hold (1 for a single tweet); bounds its JSON tokens
   */
  JsonNode read(HttpServletRequest request, DataSize limit, int tweets) {
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
    try {
      JsonNode node = reader(tweets).readTree(body);
      if (node == null || node.isMissingNode()) {
        throw Problems.malformed("The request body holds no JSON value");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw Problems.tooLarge(
          "The body of "
              + request.getMethod()
              + " "
              + request.getRequestURI()
              + " holds more than "
              + maxTokens(tweets)
              + " JSON tokens (brackets, field names and values): at most "
              + TOKENS_PER_TWEET
              + " per tweet it may hold ("
              + tweets
              + ")",
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
