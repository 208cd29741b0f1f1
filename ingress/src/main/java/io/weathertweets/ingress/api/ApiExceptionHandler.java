package io.weathertweets.ingress.api;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every refusal becomes an RFC 9457 {@code application/problem+json} answer here, and is counted.
 * Spring MVC's own refusals (405, 406, 415, ...) get the same treatment through {@link
 * ResponseEntityExceptionHandler}.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
  private final IngressMetrics metrics;

  ApiExceptionHandler(IngressMetrics metrics) {
    this.metrics = metrics;
  }

  @ExceptionHandler(ProblemException.class)
  ResponseEntity<ProblemDetail> refused(ProblemException refusal, HttpServletRequest request) {
    metrics.rejected(refusal.reason(), refusal.tweets());
    ProblemDetail problem = refusal.problem();
    problem.setInstance(URI.create(request.getRequestURI()));
    return ResponseEntity.status(problem.getStatus()).headers(refusal.headers()).body(problem);
  }

  /** Spring's own problems name the request too, like ours. */
  @Override
  protected ResponseEntity<Object> handleExceptionInternal(
      Exception ex,
      Object body,
      HttpHeaders headers,
      HttpStatusCode statusCode,
      WebRequest request) {
    ResponseEntity<Object> response =
        super.handleExceptionInternal(ex, body, headers, statusCode, request);
    if (response != null
        && response.getBody() instanceof ProblemDetail problem
        && problem.getInstance() == null
        && request instanceof ServletWebRequest servlet) {
      problem.setInstance(URI.create(servlet.getRequest().getRequestURI()));
    }
    return response;
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotSupported(
      HttpMediaTypeNotSupportedException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    metrics.rejected("unsupported_media_type", 1);
    return super.handleHttpMediaTypeNotSupported(ex, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpMediaTypeNotAcceptable(
      HttpMediaTypeNotAcceptableException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    metrics.rejected("not_acceptable", 1);
    return super.handleHttpMediaTypeNotAcceptable(ex, headers, status, request);
  }

  @Override
  protected ResponseEntity<Object> handleHttpRequestMethodNotSupported(
      HttpRequestMethodNotSupportedException ex,
      HttpHeaders headers,
      HttpStatusCode status,
      WebRequest request) {
    metrics.rejected("method_not_allowed", 1);
    return super.handleHttpRequestMethodNotSupported(ex, headers, status, request);
  }
}
