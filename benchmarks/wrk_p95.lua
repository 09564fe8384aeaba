-- Prints what `wrk --latency` leaves out: the 95th percentile, and the count of non-2xx answers.
done = function(summary, latency, requests)
  io.write(string.format("p95_ms %.2f\n", latency:percentile(95) / 1000))
  io.write(string.format("non2xx %d\n", summary.errors.status))
end
