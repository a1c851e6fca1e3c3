-- The rows a failover workload writes: each client's numbered rows (no key, so a row stored twice shows).
CREATE TABLE writes (client INT, seq INT);
