"""Backend labels as benchmark posts write them map to the estimator's backend ids."""

import pytest

from tools.backend_labels import parse_backend_label


@pytest.mark.parametrize(("label", "backend"), [
    ("ROCm/HIP", "rocm"), ("HIP", "rocm"), ("HIP (rocWMMA/hipBLASLt, fa=1)", "rocm"), ("CUDA (fa 1)", "cuda"),
    ("CUDA", "cuda"), ("Metal,BLAS (fa 1, mmap 0)", "metal"), ("Vulkan (RADV, fa 0)", "vulkan"), ("SYCL (FP16)", "sycl"),
    ("CPU", "cpu"), ("BLAS", "cpu"), ("vk", "vulkan"),
])
def test_labels_people_write_name_one_backend(label, backend):
    assert parse_backend_label(label) == backend


def test_an_unknown_label_is_none_rather_than_a_guess():
    assert parse_backend_label("OpenCL") is None
    assert parse_backend_label("") is None
