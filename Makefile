# The two commands a newcomer needs; everything else is `python3 manage_all.py --help`.
.PHONY: up down test check render-config

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
