# The two commands a newcomer needs; everything else is `python3 manage_all.py --help`.
.PHONY: up down test check render-config bench bench-quick

up:
	python3 manage_all.py up

down:
	python3 manage_all.py down

test:
	python3 manage_all.py test

check:
	python3 manage_all.py check

render-config:
	python3 manage_all.py render-config

# Benchmarks (README "Benchmarks"): wrk through HAProxy, against a ceiling. manage_all.py
# creates or updates .venv first (its --help does nothing else).
bench:
	python3 manage_all.py --help >/dev/null
	.venv/bin/python bench/run.py

bench-quick:
	python3 manage_all.py --help >/dev/null
	.venv/bin/python bench/run.py --quick
