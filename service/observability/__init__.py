"""What operators watch: Prometheus metrics and the request log line."""
