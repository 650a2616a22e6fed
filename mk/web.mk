# The browser demo (wasm + server) and the native desktop app.
#   make serve (make run)  build the wasm, then serve it on 127.0.0.1:$(PORT)
#   make wasm              assets/samlab.wasm (+ .gz) and Go's wasm_exec.js
#   make desktop           bin/samlab-desktop (cgo; installs X11/GL -dev packages)
#   make test-web          chromedp + headless Chromium tests (tag browser)
#   make test-desktop      window test under Xvfb (tag desktop)
#   make screenshots       docs/demo-default.png, demo-browser.png, demo-shares.png, demo-inspect.png, demo-highdim.png, tour-*.png, demo-desktop.png

PORT ?= 8080
WASM_OUT := assets/samlab.wasm
WASM_EXEC := $(shell $(GO) env GOROOT)/lib/wasm/wasm_exec.js
WEB_SRC = $(shell find wasm core -name '*.go' -not -name '*_test.go' 2>/dev/null)
XVFB := xvfb-run -a -s "-screen 0 1280x1024x24"

# Debian packages: the browser for the tests; the C toolchain, X11 and GL
# headers for the cgo desktop build (Ebiten's GLFW); Xvfb and Mesa's
# software renderer for a window without a display; ImageMagick's import.
BROWSER_PKGS := chromium
DESKTOP_PKGS := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxrandr-dev libxcursor-dev \
	libxinerama-dev libxi-dev libxxf86vm-dev
XVFB_PKGS := xvfb xauth libgl1-mesa-dri

.PHONY: bench-web serve wasm web-server desktop test-web test-desktop web-deps desktop-deps xvfb-deps screenshots

TEST_TARGETS += test-web test-desktop

# go vet ./... type-checks the Ebiten packages, whose cgo needs the headers.
vet: desktop-deps

web-deps:
	$(call apt-install,$(BROWSER_PKGS))

desktop-deps:
	$(call apt-install,$(DESKTOP_PKGS))

xvfb-deps:
	$(call apt-install,$(XVFB_PKGS))

## wasm: build the browser app into assets/ (raw and gzip) with Go's wasm_exec.js
wasm: $(WASM_OUT).gz assets/wasm_exec.js

$(WASM_OUT): $(WEB_SRC) go.mod go.sum
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./wasm/web
	@echo "wasm: $$(stat -c %s $@) bytes raw"

$(WASM_OUT).gz: $(WASM_OUT)
	gzip -9 -n -k -f $<
	@echo "wasm: $$(stat -c %s $@) bytes gzip"

# wasm_exec.js must match the Go that built the wasm: copy it every time.
assets/wasm_exec.js: FORCE_WASM_EXEC
	cp $(WASM_EXEC) $@
.PHONY: FORCE_WASM_EXEC
FORCE_WASM_EXEC:

## web-server: build the server (after the wasm, which it embeds)
web-server: wasm
	mkdir -p bin
	$(GO) build -o bin/samlab-web ./cmd/samlab-web

## serve: build everything and serve the demo on 127.0.0.1 (PORT=8080)
serve: web-server
	bin/samlab-web -port $(PORT)

## desktop: build the native app bin/samlab-desktop
desktop: desktop-deps
	mkdir -p bin
	$(GO) build -o bin/samlab-desktop ./cmd/samlab-desktop

## test-web: the server's tests and the real-browser tests (headless Chromium)
test-web: web-deps wasm
	$(GO) test -count=1 -timeout 20m -tags browser -v ./cmd/samlab-web/

## test-desktop: the app's window test under Xvfb
test-desktop: desktop-deps xvfb-deps
	$(XVFB) $(GO) test -count=1 -timeout 6m -tags desktop -v ./cmd/samlab-desktop/

## bench-web: one frame's work, default page and highdim scene (and both its panels a frame), native and as wasm under Node
bench-web:
	$(call apt-install,nodejs)
	$(GO) test -run '^$$' -bench 'Frame(Default|Highdim)' -benchtime 400x -count 3 ./wasm/sim
	PATH="$$PATH:$$($(GO) env GOROOT)/lib/wasm" GOOS=js GOARCH=wasm $(GO) test -run '^$$' -bench 'Frame(Default|Highdim)' -benchtime 400x -count 3 ./wasm/sim

## screenshots: real captures for the docs: the default page after 1800 steps; after 1500 steps the demo preset's page, the share view, the inspector (Chromium), the desktop window (Xvfb); the highdim scene after 150 steps (Chromium)
screenshots: web-deps xvfb-deps wasm desktop
	mkdir -p docs
	SAMLAB_SCREENSHOT=$(CURDIR)/docs/demo-default.png SAMLAB_SCREENSHOT_STEPS=1800 $(GO) test -count=1 -timeout 6m -tags browser -run TestBrowserScreenshot -v ./cmd/samlab-web/
	SAMLAB_SCREENSHOT=$(CURDIR)/docs/demo-browser.png SAMLAB_SCREENSHOT_QUERY=preset=demo $(GO) test -count=1 -timeout 6m -tags browser -run TestBrowserScreenshot -v ./cmd/samlab-web/
	SAMLAB_SCREENSHOT=$(CURDIR)/docs/demo-shares.png SAMLAB_SCREENSHOT_QUERY='preset=demo&shares=true' $(GO) test -count=1 -timeout 6m -tags browser -run TestBrowserScreenshot -v ./cmd/samlab-web/
	SAMLAB_SCREENSHOT=$(CURDIR)/docs/demo-inspect.png SAMLAB_SCREENSHOT_QUERY=preset=demo SAMLAB_SCREENSHOT_INSPECT=1 $(GO) test -count=1 -timeout 6m -tags browser -run TestBrowserScreenshot -v ./cmd/samlab-web/
	SAMLAB_SCREENSHOT=$(CURDIR)/docs/demo-highdim.png SAMLAB_SCREENSHOT_QUERY='preset=highdim&paused=true' SAMLAB_SCREENSHOT_STEPS=150 $(GO) test -count=1 -timeout 6m -tags browser -run TestBrowserScreenshot -v ./cmd/samlab-web/
	SAMLAB_TOUR_SHOTS=$(CURDIR)/docs $(GO) test -count=1 -timeout 30m -tags browser -run TestBrowserTour -v ./cmd/samlab-web/
	$(XVFB) bin/samlab-desktop -preset demo -steps 1500 -frames 120 -log-every 30 -screenshot docs/demo-desktop.png
