# CloudSandbox. On a fresh machine: `make run` starts the default topology, `make test` runs the tests.
# Both install what they need (Debian packages) first; what is already present is skipped.

SWIFT ?= swift
APT_PACKAGES := libmariadb-dev mariadb-client mariadb-server libsqlite3-dev libssl-dev pkg-config curl jq sysbench graphviz tmux sqlite3 \
	python3 python3-venv nodejs node-mysql file golang-go golang-github-go-sql-driver-mysql-dev golang-github-aws-aws-sdk-go-dev \
	postgresql postgresql-client golang-github-lib-pq-dev openjdk-17-jdk-headless libpostgresql-jdbc-java
BENCH_PACKAGES := wrk nginx-light
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
ENDPOINTS ?= .sandbox/endpoints.json

# The Python tools the sandbox and its tests run (boto3, the aws CLI, awslambdaric, PyMySQL, pg8000, psycopg2, asyncpg) live in a virtual
# environment under the build folder, made from the machine's python3, so a distribution's externally managed
# interpreter (PEP 668) is never installed into. Its bin/ comes first on PATH for every recipe, and process
# functions whose command is a bare `python3` run with its interpreter (CLOUDSANDBOX_PYTHON), as Lambda's image
# provides boto3 and awslambdaric.
PYTHON_ENV := $(CURDIR)/.build/python
PYTHON_PACKAGES := boto3 awscli awslambdaric PyMySQL pg8000 psycopg2-binary asyncpg
export PATH := $(PYTHON_ENV)/bin:$(PATH)
export CLOUDSANDBOX_PYTHON := $(PYTHON_ENV)/bin/python3

.PHONY: deps build run test lint format tsan bench fuzz docs clean

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
	@command -v python3 >/dev/null || { echo "python3 is missing and apt-get could not install it: install Python 3 with its venv module" \
		"(Debian/Ubuntu: apt-get install python3 python3-venv), then run make again" >&2; exit 1; }
	@$(PYTHON_ENV)/bin/python3 -c "import boto3, awscli, awslambdaric, pymysql, pg8000, psycopg2, asyncpg" 2>/dev/null || { \
		echo "making the Python environment $(PYTHON_ENV): $(PYTHON_PACKAGES)"; \
		rm -rf $(PYTHON_ENV) && python3 -m venv $(PYTHON_ENV) && $(PYTHON_ENV)/bin/python3 -m pip install -q --disable-pip-version-check $(PYTHON_PACKAGES); }

build: deps
	$(SWIFT) build

run: deps
	$(SWIFT) run sandbox up Sandbox/default.yaml --endpoints-file $(ENDPOINTS)

# First the stand-in app's package graph (seconds: no build); then the suite; then the downstream example
# (Fixtures/Downstream), a package of its own depending on this checkout by path, built in the same scratch folder so
# it reuses what the first build made.
# The two share the scratch folder, so neither may reuse the other's cached build plan (SwiftPM would run the wrong
# package's tests): --disable-build-manifest-caching.
test: deps lint
	tools/check-stand-in-app.sh
	$(SWIFT) test --disable-build-manifest-caching
	$(SWIFT) test --package-path Fixtures/Downstream --scratch-path $(CURDIR)/.build --disable-build-manifest-caching

# One style, kept by swift-format (in the toolchain) with .swift-format: `make format` rewrites the tree, `make lint`
# (part of `make test`) fails on any difference, and on a line over 120 characters (swift-format does not break string
# literals or comments: split those by hand).
FORMATTED := Sources Tests Fuzz Package.swift
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMATTED)
	@long=$$(find $(FORMATTED) -name '*.swift' -exec awk 'length > 120 { print FILENAME ":" FNR }' {} +); \
	if [ -n "$$long" ]; then echo "$$long"; echo "these lines are over 120 characters: split them"; exit 1; fi

format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMATTED)

# The suite under ThreadSanitizer (not in CI, for time), in a build folder of its own; a data race fails the run.
tsan: deps
	$(SWIFT) test --sanitize=thread --scratch-path $(CURDIR)/.build-tsan

# The HTTP table's load generator and its nginx anchor. BENCH_QUICK=1: the headline figures only.
bench: deps
	$(call install_missing,$(BENCH_PACKAGES))
	$(SWIFT) build -c release --product SandboxLoad
	$(SWIFT) run -c release SandboxBench

# libFuzzer targets with the address sanitizer (not in CI): FUZZ_RUNS, FUZZ_TOKEN_RUNS, FUZZ_SECONDS, FUZZ_TARGETS.
fuzz: deps
	Fuzz/run.sh

# DocC archives of CloudSandbox and SandboxTesting (swift-docc-plugin, declared only under CLOUDSANDBOX_DOCS), in
# .build/docs/<Target>.doccarchive; warnings fail the build.
docs:
	CLOUDSANDBOX_DOCS=1 $(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation \
		--target CloudSandbox --target SandboxTesting --output-path .build/docs --warnings-as-errors
	@ls -d .build/docs/*.doccarchive

clean:
	rm -rf .build .build-fuzz .build-tsan .sandbox
