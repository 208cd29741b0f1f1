package io.weathertweets.ingress.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.weathertweets.ingress.IngressProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Rate limit and in-flight bound on the tweet endpoints only: actuator probes and the live page
 * stay reachable.
 */
@Configuration(proxyBeanMethods = false)
class AdmissionConfiguration {

  @Bean
  AdmissionInterceptor admissionInterceptor(IngressProperties properties, MeterRegistry meters) {
    return new AdmissionInterceptor(properties, meters);
  }

  @Bean
  WebMvcConfigurer admissionOnTweetEndpoints(AdmissionInterceptor admission) {
    return new WebMvcConfigurer() {
      @Override
      public void addInterceptors(InterceptorRegistry registry) {
        registry
            .addInterceptor(admission)
            .addPathPatterns("/api/tweet", AdmissionInterceptor.BATCH_PATTERN);
      }
    };
  }
}
