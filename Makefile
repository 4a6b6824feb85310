# Each target bootstraps .venv on a fresh machine (only python3 with its venv module is needed)
# and installs exactly the versions in requirements/dev.lock (hash-checked), then quizbot itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/dev.lock
UV_COMPILE = $(BIN)/uv pip compile --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock"

.PHONY: run test bench lint lock venv clean

$(STAMP): pyproject.toml $(LOCK)
	@echo "setting up $(VENV) (first run, or the lock file changed)" >&2
	@$(MAKE) --no-print-directory venv
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(LOCK) >&2
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . >&2
	@touch $(STAMP)

# A working venv. One left half-made (e.g. by `python3 -m venv` on Debian without python3-venv)
# has no working pip: it is removed and made again instead of failing every target until `make clean`.
venv:
	@if ! $(BIN)/python -m pip --version >/dev/null 2>&1; then \
		rm -rf $(VENV); \
		$(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip --version >/dev/null 2>&1 || { \
			rm -rf $(VENV); \
			echo "error: '$(PYTHON) -m venv' failed; on Debian/Ubuntu install the venv module: sudo apt install python3-venv" >&2; \
			exit 1; }; \
	fi

run: $(STAMP)
	$(BIN)/quizbot run $(ARGS)

# One worker per core (pytest-xdist): the suite's tests are independent (own files, ports, processes).
# The suite runs twice: on SQLite (everything), then on PostgreSQL (the tests that go through the
# store, with every database a PostgreSQL one; see tests/engines.py). ARGS narrows both passes.
# Bytecode caches are written even where PYTHONDONTWRITEBYTECODE is set (as on the CI machines):
# without them every worker rewrites every test module and every `quizbot` subprocess compiles
# the package again, about 15 s of a run.
PG_TESTS := tests/store tests/quiz tests/chat tests/ops tests/web tests/test_app.py tests/test_app_lifecycle.py
TEST_ENV := env -u PYTHONDONTWRITEBYTECODE
test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -n auto $(ARGS)
	$(TEST_ENV) QUIZBOT_TEST_ENGINE=postgresql $(BIN)/python -m pytest -n auto -m "not sqlite_only and not no_store" $(or $(ARGS),$(PG_TESTS)); \
	  status=$$?; [ $$status -eq 0 ] || { [ $$status -eq 5 ] && [ -n "$(ARGS)" ]; }  # 5 (none collected): only when ARGS chose SQLite-only tests

bench: $(STAMP)
	@for f in bench/bench_*.py; do $(BIN)/python $$f || exit 1; done

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy bot

# Re-resolve every dependency to the newest versions pyproject.toml allows and pin them
# (with hashes) in requirements/runtime.lock (the Docker image) and requirements/dev.lock.
lock: $(STAMP)
	$(UV_COMPILE) --upgrade pyproject.toml requirements/build.in -o requirements/runtime.lock
	$(UV_COMPILE) --upgrade --extra dev pyproject.toml requirements/build.in -o $(LOCK)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
