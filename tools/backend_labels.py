"""The llama.cpp backend as people write it, turned into the catalog's backend id.

Benchmark posts and llama-bench tables name the same backend many ways: "ROCm/HIP", "HIP
(rocWMMA, fa=1)", "CUDA (fa 1)", "Metal,BLAS", "Vulkan (RADV, fa 0)", "SYCL (FP16)". The
estimator knows six ids (cuda, metal, rocm, vulkan, sycl, cpu); this vocabulary maps the words
to them in one place, so evals, the CLI and the agent agree on what "HIP" means.
"""

from __future__ import annotations

import re

# Words people use -> backend id. Lower case; matched as whole words.
BACKEND_WORDS: dict[str, str] = {
    "cuda": "cuda", "cublas": "cuda", "nvidia": "cuda",
    "metal": "metal", "mps": "metal",
    "rocm": "rocm", "hip": "rocm", "hipblas": "rocm", "rocblas": "rocm", "rocwmma": "rocm",
    "vulkan": "vulkan", "vk": "vulkan", "radv": "vulkan", "amdvlk": "vulkan",
    "sycl": "sycl", "oneapi": "sycl", "ipex": "sycl",
    "cpu": "cpu", "blas": "cpu", "openblas": "cpu", "accelerate": "cpu",
}
# "Metal,BLAS" means Metal with BLAS for the CPU parts: a GPU word always beats a CPU word.
_CPU_WORDS = {"cpu", "blas", "openblas", "accelerate"}
_WORD = re.compile(r"[a-z]+")


def parse_backend_label(label: str) -> str | None:
    """'ROCm/HIP' -> 'rocm', 'CUDA (fa 1)' -> 'cuda', 'Metal,BLAS' -> 'metal'; None when no word is known.

    Only the part before the first bracket names the backend; the bracket holds flags
    (flash attention, batch size) that may contain words like "BLAS" too.
    """
    head = label.split("(")[0].lower()
    found = [BACKEND_WORDS[w] for w in _WORD.findall(head) if w in BACKEND_WORDS]
    if not found:
        found = [BACKEND_WORDS[w] for w in _WORD.findall(label.lower()) if w in BACKEND_WORDS]
    gpu = [b for b in found if b != "cpu"]
    if gpu:
        return gpu[0]
    return "cpu" if found or any(w in _CPU_WORDS for w in _WORD.findall(head)) else None
