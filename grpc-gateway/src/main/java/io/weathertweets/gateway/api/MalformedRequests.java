package io.weathertweets.gateway.api;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.aggregates.Meters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Makes a request that is not a valid protobuf message of its method (random bytes, invalid UTF-8
 * in a string, nesting beyond protobuf's recursion limit, a truncated message) an {@code
 * INVALID_ARGUMENT} naming the message type. grpc-java parses requests before any service code
 * runs, and a parse failure there ends the call as {@code UNKNOWN "Application error processing
 * RPC"}: the client cannot tell its own mistake from a server fault, and the server logs a stack
 * trace per bad request. Here the transport hands over raw bytes and the parse happens in a
 * listener that can answer properly.
 */
@Component
class MalformedRequests {
  private static final Logger log = LoggerFactory.getLogger(MalformedRequests.class);
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          // Bounded by the server's maximum inbound message size, which the transport enforces
          // before this.
          try (stream) {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read a request message", e);
          }
        }
      };

  private final Counter malformed;

  MalformedRequests(MeterRegistry meters) {
    this.malformed =
        Counter.builder(Meters.TWEETS_REJECTED)
            .description("Tweets refused by the gateway")
            .tag(Meters.REASON, "malformed")
            .register(meters);
  }

  /** The same service with every method taking raw bytes and parsing them itself. */
  ServerServiceDefinition parseInService(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    List<ServerMethodDefinition<byte[], ?>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      methods.add(raw(method));
    }
    ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(original.getName())
            .setSchemaDescriptor(original.getSchemaDescriptor());
    methods.forEach(m -> descriptor.addMethod(m.getMethodDescriptor()));
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(builder::addMethod);
    return builder.build();
  }

  private <ReqT, RespT> ServerMethodDefinition<byte[], RespT> raw(
      ServerMethodDefinition<ReqT, RespT> method) {
    MethodDescriptor<ReqT, RespT> typed = method.getMethodDescriptor();
    MethodDescriptor<byte[], RespT> bytes =
        typed.toBuilder(RAW, typed.getResponseMarshaller()).build();
    ServerCallHandler<ReqT, RespT> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create(
        bytes, (call, headers) -> parsing(typed, handler, call, headers));
  }

  @SuppressWarnings("unchecked")
  private <ReqT, RespT> ServerCall.Listener<byte[]> parsing(
      MethodDescriptor<ReqT, RespT> typed,
      ServerCallHandler<ReqT, RespT> handler,
      ServerCall<byte[], RespT> call,
      Metadata headers) {
    // No ServerCall method takes a request message, so the call serves the typed handler as it is.
    ServerCall.Listener<ReqT> delegate =
        handler.startCall((ServerCall<ReqT, RespT>) (ServerCall<?, RespT>) call, headers);
    return new ForwardingServerCallListener<>() {
      private boolean refused;

      @Override
      protected ServerCall.Listener<byte[]> delegate() {
        // Only the callbacks without a message are forwarded through this.
        return (ServerCall.Listener<byte[]>) (ServerCall.Listener<?>) delegate;
      }

      @Override
      public void onMessage(byte[] message) {
        if (refused) {
          return;
        }
        ReqT request;
        try {
          request = typed.parseRequest(new ByteArrayInputStream(message));
        } catch (RuntimeException e) {
          refused = true;
          malformed.increment();
          String type =
              typed.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> proto
                      && proto.getMessagePrototype() != null
                  ? proto.getMessagePrototype().getClass().getSimpleName()
                  : "request";
          log.debug(
              "Refused an unparsable {} of {} bytes for {}",
              type,
              message.length,
              typed.getFullMethodName(),
              e);
          call.close(
              Status.INVALID_ARGUMENT.withDescription(
                  "request: not a valid " + type + " message (" + reason(e) + ")"),
              new Metadata());
          return;
        }
        delegate.onMessage(request);
      }

      @Override
      public void onHalfClose() {
        // After a refusal the call is closed; a unary handler would otherwise close it again ("no
        // request").
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }

  private static String reason(Throwable e) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String message =
        cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    int end = message.indexOf(". ");
    String first = end > 0 ? message.substring(0, end) : message;
    return first.length() > 160 ? first.substring(0, 157) + "..." : first;
  }
}
