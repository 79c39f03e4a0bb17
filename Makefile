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

# Benchmarks (README "Benchmarks"): wrk through HAProxy, against a ceiling.
bench:
	.venv/bin/python bench/run.py

bench-quick:
	.venv/bin/python bench/run.py --quick
