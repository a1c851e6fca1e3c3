"""Times TCP connects from inside a function: `count` connects (at most 5000) to DB_HOST:DB_PORT, the proxy by its DNS
name, each closed at once; answers the median and the 90th percentile in microseconds. `make bench` runs it with and
without the sandbox's launcher."""
import os
import socket
import time


def handler(event, context):
    host, port = os.environ["DB_HOST"], int(os.environ.get("DB_PORT", "3306"))
    address = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)[0][4]
    samples = []
    for _ in range(max(1, min(int(event.get("count", 200)), 5000))):
        connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        start = time.perf_counter_ns()
        connection.connect(address)
        samples.append((time.perf_counter_ns() - start) / 1000)
        connection.close()
    samples.sort()
    return {"median_us": samples[len(samples) // 2], "p90_us": samples[int(len(samples) * 0.9)], "count": len(samples)}
