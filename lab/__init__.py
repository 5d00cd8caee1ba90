"""The Lab: a web page that trains networks in the browser on this project's `autograd` and `nn`.

`lab.session` is its Python side (run in the page by Pyodide, in a Web Worker, and by
the tests under CPython); `lab/build.py` writes the static site to `lab/dist/`. See
lab/README.md.
"""
