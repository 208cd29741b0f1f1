/** Helpers of bench/run.sh and the JMH micro-benchmarks of the hot paths. */
package io.weathertweets.bench;
