# ofbox: see README.md. Every target works on a fresh Debian machine with Go;
# `.ci/run` installs the rest (ovs-ofctl, ...) and runs `make test`.

GO       ?= go
BIN      ?= bin/ofbox
VERSION  ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
FUZZTIME ?= 60s

.PHONY: all build test test-long lint cover fuzz bench image demo clean

all: build

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

# test: the whole suite as CI runs it (lint first: it is cheap and catches most).
# Allocation tests (named *Allocs*) run again without -race: the race
# detector allocates on its own, so some of them skip under it.
# The first run builds the minimal kernel for the VM tests (minutes on 2
# cores): hence the long timeout.
test: lint
	$(GO) test -race -count=1 -timeout 40m ./...
	$(GO) test -count=1 -run Allocs ./...

# test-long: the fault-injection tests (build tag long; root): the
# controller killed under traffic, the control link lossy, slow and cut,
# 1,000 switches in churn for a minute, a packet-in flood. -v: they log
# their figures.
test-long:
	$(GO) test -tags long -race -count=1 -timeout 20m -run 'TestFault' -v . ./roles/controller/

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet -tags long ./...
	$(GO) tool staticcheck -tags long ./...
	@cp go.mod /tmp/ofbox-go.mod.$$$$ && cp go.sum /tmp/ofbox-go.sum.$$$$ && $(GO) mod tidy && \
	  if ! cmp -s go.mod /tmp/ofbox-go.mod.$$$$ || ! cmp -s go.sum /tmp/ofbox-go.sum.$$$$; then \
	    echo "go mod tidy changes go.mod/go.sum:"; git --no-pager diff -- go.mod go.sum; \
	    cp /tmp/ofbox-go.mod.$$$$ go.mod; cp /tmp/ofbox-go.sum.$$$$ go.sum; rm -f /tmp/ofbox-go.*.$$$$; exit 1; fi; \
	  rm -f /tmp/ofbox-go.*.$$$$

cover:
	$(GO) test -count=1 -cover ./openflow/...

# fuzz: every fuzz target (each decoder, the switch's frame parser and
# action runner) for FUZZTIME each (make fuzz FUZZTIME=10m). -timeout 0:
# go test's default 10 minutes counts from the start, corpus included.
fuzz:
	@for pkg in ./openflow ./openflow/of10 ./openflow/of13 ./openflow/flow ./roles/switch/datapath; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -timeout 0 $$pkg || exit 1; \
	  done; \
	done

# bench: the benchmarks users compare; figures go to bench/RESULTS.md.
bench:
	bench/run.sh

# image: the VM image (minimal kernel, built once and cached) and the OCI
# image in out/image/minimal; KERNEL=debian for Debian's cloud kernel.
KERNEL ?= minimal
image: build
	$(BIN) image --kernel $(KERNEL)

# demo: installs what is missing (as root; otherwise prints the command),
# builds the binary and the image, boots a controller VM and a switch VM and
# shows two hosts pinging and moving data through them (ofbox demo --help).
# ACCEL=tcg skips the KVM attempt where nested KVM hangs.
ACCEL ?= auto
demo:
	@scripts/deps.sh demo-$(KERNEL)
	@$(MAKE) --no-print-directory build
	$(BIN) demo --kernel $(KERNEL) --accel $(ACCEL)

clean:
	rm -rf bin
