#!/bin/sh
# Prints the path of a Python whose numpy links OpenBLAS (pip's wheels do), for the numpy peers of
# npm run bench. Order: bench/.venv-numpy if it already works; else a new venv there with
# `pip install numpy threadpoolctl` (threadpoolctl reports which BLAS is loaded); else, when pip
# cannot reach PyPI, the python3 on PATH if it has numpy (the peers then read the BLAS from
# numpy.show_config). Diagnostics go to stderr; exit 1 when no numpy can be found.
set -u
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv-numpy"
works() { "$1" -c 'import numpy, threadpoolctl' >/dev/null 2>&1; }
if [ -x "$venv/bin/python" ] && works "$venv/bin/python"; then echo "$venv/bin/python"; exit 0; fi
if command -v python3 >/dev/null 2>&1; then
  echo "peer-numpy: creating $venv (pip install numpy threadpoolctl)" >&2
  if python3 -m venv "$venv" >&2 && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check numpy threadpoolctl >&2 \
    && works "$venv/bin/python"; then
    echo "$venv/bin/python"; exit 0
  fi
  echo "peer-numpy: pip install failed (offline?); falling back to python3 on PATH" >&2
  if python3 -c 'import numpy' >/dev/null 2>&1; then command -v python3; exit 0; fi
fi
echo "peer-numpy: no Python with numpy found" >&2
exit 1
