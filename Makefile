# Two commands a fresh machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python

.PHONY: run demo test lint bench package screenshots clean translations

# Re-install only when pyproject.toml changed (stamp files track it).
$(VENV)/.stamp-base: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,lint]'
	touch $@ $(VENV)/.stamp-base

run: $(VENV)/.stamp-base
	$(PY) -m kapusta_desktop $(ARGS)

demo: $(VENV)/.stamp-base
	$(PY) -m kapusta_desktop --demo $(ARGS)

test: $(VENV)/.stamp-dev
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.stamp-dev
	$(BIN)/ruff check kapusta_desktop tests bench tools

bench: $(VENV)/.stamp-dev
	@for b in bench/*.py; do echo "== $$b"; QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

$(VENV)/.stamp-package: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[package]'
	touch $@

# One-folder bundle in dist/kapusta-desktop/ (see build.spec).
package: $(VENV)/.stamp-package
	$(BIN)/pyinstaller --noconfirm --clean build.spec

# Re-extract tr() strings, fill the Russian dictionary (tools/translate_ru.py), compile the .qm the app loads.
translations: $(VENV)/.stamp-base
	$(BIN)/pyside6-lupdate -no-obsolete kapusta_desktop/ui/*.py kapusta_desktop/app.py -ts resources/translations/kapusta_ru.ts
	$(PY) tools/translate_ru.py
	$(BIN)/pyside6-lrelease resources/translations/kapusta_ru.ts -qm resources/translations/kapusta_ru.qm

clean:
	rm -rf $(VENV) build dist *.egg-info
