# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint messages clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/onewindow demo $(DEMO_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests conftest.py
	$(BIN)/ruff format --check src tests conftest.py

# The browser tests run in a second, single-process run: in an xdist worker, Playwright's session-wide
# event loop left the worker unable to take its next command once it ran out of tests (CI hung at 95 %).
# Exit status 5 is "no test selected" (PYTEST_ARGS naming other tests only).
test: lint
	$(BIN)/pytest -n auto -m "not browser" $(PYTEST_ARGS)
	$(BIN)/pytest -m browser $(PYTEST_ARGS) || [ $$? -eq 5 ]

# Re-extract translatable strings after changing templates or code, then edit the .po files.
messages: $(STAMP)
	cd src/onewindow && ../../$(BIN)/onewindow makemessages -l zh_Hans -l vi --no-obsolete
	cd src/onewindow && ../../$(BIN)/onewindow compilemessages

clean:
	rm -rf $(VENV) var
