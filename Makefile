# Every target creates .venv itself; nothing else needs installing by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test bench lint

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# A small campaign on the simulated model with realistic latency: Docker sandboxes when an
# engine answers, local ones otherwise, then its report. Running it again resumes (finished
# trials are kept).
demo: $(STAMP)
	@$(BIN)/agentlab doctor || true
	AGENTLAB_SIM_LATENCY=realistic $(BIN)/agentlab run --tasks environments/os_tasks \
		--model sim/0.6 --strategy react --strategy best_of_n:n=3 --seeds 2 --out runs/demo \
		--sandbox auto
	$(BIN)/agentlab report runs/demo

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python bench/sandbox.py
	$(BIN)/python bench/orchestration.py
	$(BIN)/python bench/images.py --skip-base
	$(BIN)/python bench/swebench_eval.py
	$(BIN)/python bench/strategies.py
	$(BIN)/python bench/dag.py
	$(BIN)/python bench/analysis.py
	$(BIN)/python bench/executors.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
