"""Which operators torch.ops.ln are: the C++ library (ln/csrc), built on
first use, or the Python ones, chosen by LN_TORCH_OPS or by a failed build
(with one warning); both compute the same."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ln import _native



def test_the_source_and_header_are_found():
    assert _native.SOURCE.is_file()
    assert (_native.header_directory() / "ln" / "Runtime" / "ln.h").is_file()


def test_python_operators_are_chosen_without_a_build(monkeypatch):
    monkeypatch.setenv(_native.OPERATORS_ENV, "python")
    assert _native.load() is None


def test_an_unknown_choice_is_refused(monkeypatch):
    monkeypatch.setenv(_native.OPERATORS_ENV, "fortran")
    with pytest.raises(ValueError, match="LN_TORCH_OPS='fortran'"):
        _native.load()


def torch_or_skip():
    return pytest.importorskip("torch", reason="these tests need PyTorch")


def test_a_failed_build_falls_back_with_one_warning(tmp_path, run_python):
    """No compiler: ln.ops defines the Python operators, after one
    warning naming the failure, and they work."""
    torch_or_skip()
    result = run_python("""
        import torch, ln.ops
        print("native", ln.ops.native)
        if torch.cuda.is_available():
            x = torch.randn(8, 64, device="cuda")
            torch.testing.assert_close(
                ln.layer_norm(x, (64,)),
                torch.nn.functional.layer_norm(x, (64,)))
            print("computed")
    """, tmp_path, CXX=str(tmp_path / "no-compiler"),
        **{_native.OPERATORS_ENV: "cpp",
           _native.BUILD_DIRECTORY_ENV: str(tmp_path / "build"),
           "PYTHONWARNINGS": "default"})
    assert result.returncode == 0, result.stderr
    assert "native False" in result.stdout
    import torch

    if torch.cuda.is_available():
        assert "computed" in result.stdout, result.stdout
    warnings = [line for line in result.stderr.splitlines()
                if "ln: the C++ operator library could not be built" in line]
    assert len(warnings) == 1, result.stderr
    # The next process remembers the failure and does not build again.
    again = run_python("import ln.ops; print('native', ln.ops.native)",
                       tmp_path, CXX=str(tmp_path / "no-compiler"),
                       **{_native.OPERATORS_ENV: "cpp",
                          _native.BUILD_DIRECTORY_ENV: str(tmp_path / "build"),
                          "PYTHONWARNINGS": "default"})
    assert again.returncode == 0, again.stderr
    assert "native False" in again.stdout
    assert "an earlier build with this source, torch and compiler failed" \
        in again.stderr, again.stderr


def test_python_operators_on_request(tmp_path, run_python):
    torch_or_skip()
    result = run_python("import ln.ops; print('native', ln.ops.native)",
                        tmp_path, **{_native.OPERATORS_ENV: "python"})
    assert result.returncode == 0, result.stderr
    assert "native False" in result.stdout
    assert "could not be built" not in result.stderr


def can_build() -> bool:
    """A compiler, ninja and the CUDA runtime's headers, which the build
    needs."""
    compiler = os.environ.get("CXX", "c++")
    ninja = shutil.which("ninja") or (Path(sys.executable).parent / "ninja")
    try:
        _native.cuda_include_directories()
    except FileNotFoundError:
        return False
    return bool(shutil.which(compiler)) and Path(ninja).is_file()


def test_the_cpp_operators_are_in_use():
    """Unless LN_TORCH_OPS=python, where the library can be built,
    torch.ops.ln is it."""
    torch = torch_or_skip()
    if os.environ.get(_native.OPERATORS_ENV, "cpp") == "python":
        pytest.skip("the Python operators are asked for (LN_TORCH_OPS)")
    if not torch.cuda.is_available() or not can_build():
        pytest.skip("needs a CUDA GPU, a C++ compiler, ninja and CUDA headers")
    import ln.ops

    assert ln.ops.native, "the C++ operator library was not loaded"
    # The dispatcher's table names where each kernel was registered.
    for operator in ("ln::layer_norm_fwd", "ln::layer_norm_bwd"):
        table = torch._C._dispatch_dump(operator)
        assert "ln_torch_ops.cpp" in table, table


def test_both_operators_compute_the_same(tmp_path, run_python):
    """The C++ and the Python operators launch the same kernels on the same
    rows: bitwise equal y and gradients, with and without weight, bias,
    on a strided x and with parameters of another dtype; the Python
    operators both through the eager shortcut and through the
    dispatcher."""
    torch = torch_or_skip()
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    import ln.ops

    if not ln.ops.native:
        pytest.skip("the C++ operator library is not loaded")
    code = """
        import torch, ln, ln.functional, ln.ops
        assert ln.ops.native == NATIVE
        ln.functional.eager_fast_path = SHORTCUT
        torch.manual_seed(0)
        results = []
        base = torch.randn(300, 1100, dtype=torch.bfloat16, device="cuda")
        for x, parameters in (
                (base[:, 3:1003], torch.float32),
                (base[:64, :1024].contiguous(), None),
                (base[:, :512].t(), torch.bfloat16)):
            x = x.detach().requires_grad_()
            N = x.shape[-1]
            weight = bias = None
            inputs = [x]
            if parameters is not None:
                weight = torch.rand(N, dtype=parameters, device="cuda",
                                    requires_grad=True)
                bias = torch.rand(N, dtype=parameters, device="cuda",
                                  requires_grad=True)
                inputs += [weight, bias]
            y = ln.layer_norm(x, (N,), weight, bias, 1e-5)
            dy = torch.randn_like(y)
            results += [y, *torch.autograd.grad(y, inputs, dy)]
        torch.save([t.cpu() for t in results], OUT)
    """
    outputs = {}
    for run, choice, shortcut in (("cpp", "cpp-only", True),
                                  ("python-shortcut", "python", True),
                                  ("python-dispatcher", "python", False)):
        path = tmp_path / f"{run}.pt"
        setup = (f"NATIVE = {choice == 'cpp-only'}\nSHORTCUT = {shortcut}\n"
                 f"OUT = {str(path)!r}\n")
        result = run_python(setup + textwrap.dedent(code), tmp_path,
                            **{_native.OPERATORS_ENV: choice})
        assert result.returncode == 0, result.stderr
        outputs[run] = torch.load(path)
    for run in ("python-shortcut", "python-dispatcher"):
        assert len(outputs[run]) == len(outputs["cpp"]) == 10
        for native, python in zip(outputs["cpp"], outputs[run]):
            assert (native.dtype == python.dtype
                    and native.shape == python.shape), run
            assert torch.equal(native, python), run


def test_a_torch_error_through_the_cpp_operators_is_raised(tmp_path, run_python):
    """A fresh process's first C++ exception through ln_torch_ops.cpp is
    libtorch's (no CPU kernel for layer_norm_bwd): raised, not an abort in
    the private unwinder of the static libstdc++ that libln_runtime.so
    exported before it kept it to itself. No GPU needed."""
    torch = torch_or_skip()
    import ln.ops

    if not ln.ops.native:
        pytest.skip("the C++ operator library is not loaded")
    result = run_python("""
        import torch, ln.ops
        assert ln.ops.native
        x = torch.randn(2, 8)
        try:
            torch.ops.ln.layer_norm_bwd(x, x, [8], torch.zeros(2),
                                        torch.zeros(2), None, None,
                                        [True, False, False])
        except Exception as error:
            print("raised", type(error).__name__, flush=True)
    """, tmp_path, **{_native.OPERATORS_ENV: "cpp-only"})
    assert result.returncode == 0, (f"exit status {result.returncode}\n"
                                     + result.stderr[-2000:])
    assert "raised NotImplementedError" in result.stdout, result.stdout


def test_a_cpp_message_with_numbers_is_raised(tmp_path, run_python):
    """The C++ operators format shapes into their messages with torch's C++
    runtime. Built by a compiler whose default is a static libstdc++, the
    library once carried a private copy whose streams crashed (SIGSEGV) on
    the first number printed; the build now links the libstdc++ torch runs
    on (_native.loaded_cxx_runtime)."""
    torch = torch_or_skip()
    if not torch.cuda.is_available():
        pytest.skip("needs a CUDA GPU")
    import ln.ops

    if not ln.ops.native:
        pytest.skip("the C++ operator library is not loaded")
    result = run_python("""
        import torch, ln.ops
        assert ln.ops.native
        x = torch.randn(4, 8, device="cuda")
        w = torch.ones(8, device="cuda")
        for shape in ([2, 8], [7]):
            try:
                torch.ops.ln.layer_norm_fwd(x, shape, w, w, 1e-5)
            except ValueError as error:
                print(error, flush=True)
    """, tmp_path, **{_native.OPERATORS_ENV: "cpp-only"})
    assert result.returncode == 0, (f"exit status {result.returncode}\n"
                                     + result.stderr[-2000:])
    for shape in ("[2, 8]", "[7]"):
        assert (f"normalized_shape {shape} must equal the last dimensions "
                f"of x, of shape [4, 8]") in result.stdout, result.stdout


def test_the_cxx_runtime_is_read_from_the_process_maps():
    maps = (
        "7f0000000000-7f0000001000 r-xp 00000000 08:01 11 /usr/bin/python3\n"
        "7f0000001000-7f0000002000 r-xp 00000000 08:01 13 "
        "/opt/my lib/libstdc++fs.so\n"
        "7f0000002000-7f0000003000 r--p 00000000 08:01 12 "
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.33\n"
        "7f0000004000-7f0000005000 rw-p 00000000 00:00 0 \n")
    assert _native.loaded_cxx_runtime(maps) == Path(
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.33")
    assert _native.loaded_cxx_runtime(
        "7f0000004000-7f0000005000 rw-p 00000000 00:00 0 [heap]\n") is None
    # libstdc++.so.6 before another version mapped earlier; never a file
    # replaced since it was mapped.
    assert _native.loaded_cxx_runtime(
        "7f0000001000-7f0000002000 r-xp 00000000 08:01 14 "
        "/usr/lib/libstdc++.so.5.0.7\n"
        "7f0000002000-7f0000003000 r-xp 00000000 08:01 15 "
        "/old/libstdc++.so.6.0.30 (deleted)\n"
        "7f0000003000-7f0000004000 r-xp 00000000 08:01 16 "
        "/new/libstdc++.so.6.0.33\n") == Path("/new/libstdc++.so.6.0.33")
    assert _native.loaded_cxx_runtime(
        "7f0000002000-7f0000003000 r-xp 00000000 08:01 15 "
        "/old/libstdc++.so.6.0.30 (deleted)\n") is None
    # This process: its libstdc++, where it has one, is a file.
    found = _native.loaded_cxx_runtime()
    assert found is None or found.is_file()


def test_a_stale_build_lock_is_removed(tmp_path):
    """torch waits forever on the lock of a build that was killed: one
    older than a build ever takes is removed, with a warning; a fresh one
    (a build under way) is left alone."""
    lock = tmp_path / "lock"
    lock.write_text("")
    assert _native.remove_stale_lock(tmp_path, max_age=3600) is False
    assert lock.exists()
    old = time.time() - 7200
    os.utime(lock, (old, old))
    with pytest.warns(RuntimeWarning, match="did not finish"):
        assert _native.remove_stale_lock(tmp_path, max_age=3600) is True
    assert not lock.exists()
    assert _native.remove_stale_lock(tmp_path) is False  # no lock at all


def test_a_failed_build_is_remembered_until_a_build_succeeds(tmp_path):
    """build_once: a failure is recorded with its key; the next call with
    that key raises its reason without building, unless it retries; a
    success clears the record; another key builds regardless."""
    builds = []

    def failing():
        builds.append("failing")
        raise RuntimeError("ld: cannot find -lc10_cuda")

    def succeeding():
        builds.append("succeeding")

    with pytest.raises(RuntimeError, match="cannot find -lc10_cuda"):
        _native.build_once(tmp_path, "key-1", False, failing)
    with pytest.raises(RuntimeError,
                       match="an earlier build .* failed.*cannot find"):
        _native.build_once(tmp_path, "key-1", False, succeeding)
    assert builds == ["failing"]
    _native.build_once(tmp_path, "key-1", True, succeeding)  # a retry
    assert not (tmp_path / "ln-build-failed.txt").exists()
    _native.build_once(tmp_path, "key-1", False, succeeding)
    assert builds == ["failing", "succeeding", "succeeding"]
    with pytest.raises(RuntimeError, match="cannot find -lc10_cuda"):
        _native.build_once(tmp_path, "key-1", False, failing)
    _native.build_once(tmp_path, "key-2", False, succeeding)  # another key
    assert builds[-2:] == ["failing", "succeeding"]


def test_a_long_build_failure_keeps_its_first_words(tmp_path):
    """A compiler's output of thousands of characters: the summary in the
    warning keeps both the start (what failed, how to retry) and the end
    (the compiler's reason), and drops the middle."""
    output = "FAILED: ln_torch_ops.o\n" + "x" * 5000 + "\nno-compiler: not found"

    def failing():
        raise RuntimeError(output)

    with pytest.raises(RuntimeError):
        _native.build_once(tmp_path, "key", False, failing)
    with pytest.raises(RuntimeError) as remembered:
        _native.build_once(tmp_path, "key", False, failing)
    summary = _native._summary(remembered.value)
    assert summary.startswith("RuntimeError: an earlier build with this "
                              "source, torch and compiler failed")
    assert "cpp-only to retry" in summary
    assert summary.endswith("no-compiler: not found")
    assert len(summary) <= 2100
