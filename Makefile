# Neural Networks from Scratch in Go: the course's commands. Each target is one
# script in scripts/, which also runs without make.

.PHONY: help setup course test notebooks

help: ## list the targets
	@awk -F':.*## ' '/^[a-z]+:.*## / { printf "  make %-10s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

setup: ## install Jupyter (apt), the GoNB kernel, goimports, gopls; warm the build cache
	scripts/setup.sh

course: ## set up if needed, then open the notebooks in JupyterLab (or the classic Notebook)
	scripts/course.sh

test: ## set up if needed, go vet, go test: every notebook headless and in Chromium
	scripts/test.sh

notebooks: ## re-execute the notebooks in place (NB="notebooks/03-*.ipynb" for some)
	scripts/notebooks.sh $(NB)
