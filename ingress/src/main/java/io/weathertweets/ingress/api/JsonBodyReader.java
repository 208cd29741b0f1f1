package io.weathertweets.ingress.api;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
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
 * Reads a request body into a JSON tree, never more than a limit: the limit is checked against Content-Length
 * before reading and enforced while reading (chunked bodies have no length).
 */
@Component
class JsonBodyReader {
  private final ObjectReader reader;

  JsonBodyReader(JsonMapper jsonMapper) {
    // A duplicated field would be ambiguous (which temperature counts?), trailing garbage a broken client.
    this.reader = jsonMapper.reader()
        .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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
    try {
      JsonNode node = reader.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw Problems.malformed("The request body holds no JSON value");
      }
      return node;
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw Problems.malformed("Malformed JSON" + where + ": " + e.getOriginalMessage());
    }
  }

  private static ProblemException tooLarge(HttpServletRequest request, long max) {
    return Problems.tooLarge("The body of " + request.getMethod() + " " + request.getRequestURI()
        + " may be at most " + max + " bytes", 1);
  }
}
