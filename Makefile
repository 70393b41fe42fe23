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

test: lint
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# Re-extract translatable strings after changing templates or code, then edit the .po files.
messages: $(STAMP)
	cd src/onewindow && ../../$(BIN)/onewindow makemessages -l zh_Hans -l vi --no-obsolete
	cd src/onewindow && ../../$(BIN)/onewindow compilemessages

clean:
	rm -rf $(VENV) var
