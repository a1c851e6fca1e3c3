# CloudSandbox. On a fresh machine: `make run` starts the default topology, `make test` runs the tests.
# Both install what they need (Debian packages) first; what is already present is skipped.

SWIFT ?= swift
APT_PACKAGES := libmariadb-dev mariadb-client mariadb-server libsqlite3-dev libssl-dev pkg-config curl jq sysbench graphviz tmux sqlite3
BENCH_PACKAGES := wrk nginx-light
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ENDPOINTS ?= .sandbox/endpoints.json

.PHONY: deps build run test bench fuzz clean

# Installs the Debian packages of $(1) that are missing.
define install_missing
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

deps:
	$(call install_missing,$(APT_PACKAGES))
	@python3 -c "import boto3, awscli, awslambdaric, pymysql" 2>/dev/null || python3 -m pip install -q boto3 awscli awslambdaric PyMySQL

build: deps
	$(SWIFT) build

run: deps
	$(SWIFT) run sandbox up Sandbox/default.yaml --endpoints-file $(ENDPOINTS)

# Then the downstream example (Fixtures/Downstream), a package of its own depending on this checkout by path,
# built in the same scratch folder so it reuses what the first build made.
test: deps
	$(SWIFT) test
	$(SWIFT) test --package-path Fixtures/Downstream --scratch-path $(CURDIR)/.build

# The HTTP table's load generator and its nginx anchor. BENCH_QUICK=1: the headline figures only.
bench: deps
	$(call install_missing,$(BENCH_PACKAGES))
	$(SWIFT) build -c release --product SandboxLoad
	$(SWIFT) run -c release SandboxBench

# libFuzzer targets with the address sanitizer (not in CI): FUZZ_RUNS, FUZZ_TOKEN_RUNS, FUZZ_SECONDS, FUZZ_TARGETS.
fuzz: deps
	Fuzz/run.sh

clean:
	rm -rf .build .build-fuzz .sandbox
