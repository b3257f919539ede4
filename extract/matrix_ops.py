"""The linear algebra the spaCy models multiply with (thinc's ops), chosen by name.

thinc's NumpyOps multiplies through blis by default. blis picks its kernels by the CPU it
recognises, and on one it does not (the AMD family-19h CPUs our machines report as "AMD EPYC")
it falls back to its generic kernel: there, numpy's own BLAS (OpenBLAS, which picks its kernels
at run time) multiplies the models' matrices three times faster and the pipeline runs about 1.4x
faster, with the same tags, parses and entities (docs/architecture.md, "Matrix multiplication").
Both run on one thread per process, as bare spaCy does: one worker is one core."""

from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from typing import Iterator

from thinc.api import use_ops
from threadpoolctl import threadpool_limits

# a name a user may choose (CLAIMGRAPH_MATRIX_OPS) -> the settings of thinc's "numpy" ops
MATRIX_OPS = {"numpy": {"use_blis": False}, "blis": {"use_blis": True}}
DEFAULT_MATRIX_OPS = "numpy"


@cache
def one_blas_thread() -> None:
    """numpy's BLAS starts a thread per core; the build's parallelism is its workers, so each
    process multiplies on one (two workers on two cores would otherwise fight over them)."""
    threadpool_limits(limits=1, user_api="blas")


@contextmanager
def models_built_with(name: str) -> Iterator[None]:
    """thinc models take the current ops when they are built: load a pipeline inside this."""
    if name not in MATRIX_OPS:
        raise ValueError(f"unknown matrix ops {name!r}: use one of {', '.join(MATRIX_OPS)}")
    one_blas_thread()
    with use_ops("numpy", **MATRIX_OPS[name]):
        yield
