"""Which BLAS numpy runs, for the peers' JSON: threadpoolctl's report when it is installed (the library
actually loaded, its version, threading layer and CPU kernel), else numpy's build configuration
(what it was linked against). Also caps the BLAS threads."""
import numpy as np


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        threadpool_info = None
    if threadpool_info is not None:
        libs = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        if libs:
            i = libs[0]
            return {"source": "threadpoolctl", "name": i.get("internal_api"), "version": i.get("version"),
                    "library": i.get("filepath"), "architecture": i.get("architecture"), "threads": i.get("num_threads")}
    try:
        cfg = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return {"source": "numpy.show_config", "name": cfg.get("name"), "version": cfg.get("version"),
                "library": cfg.get("lib directory"), "architecture": cfg.get("openblas configuration"), "threads": None}
    except Exception as e:  # older numpy: no dict mode
        return {"source": "unknown", "name": None, "version": None, "library": None, "architecture": str(e), "threads": None}


def limit_threads(n):
    """Caps the BLAS threads at n (threadpoolctl, else the environment was set by the caller); says how."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return "environment (OPENBLAS_NUM_THREADS / OMP_NUM_THREADS)"
    threadpool_limits(limits=n, user_api="blas")
    return "threadpoolctl"
