# The paper-claims report (native/report, cmd/samlab/report.go).
.PHONY: report report-quick report-docs

## report: run the experiments behind every claim of the paper; write report/README.md and its figures
report:
	$(GO) run ./cmd/samlab report --out report/

## report-quick: the smoke-test report (seconds; too few seeds and steps to judge the claims)
report-quick:
	$(GO) run ./cmd/samlab report --quick --out report/quick/

## report-docs: the full report with the committed deep runs, also refreshing docs/report.md and docs/figures/ (the README copy)
report-docs:
	$(GO) run ./cmd/samlab report --out report/ --docs docs/ --deep docs/deep-reduced/grid
