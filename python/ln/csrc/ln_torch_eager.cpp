//===- ln_torch_eager.cpp - ln.layer_norm's call from Python --------------===//
//
// The C++ operator library's Python module: `layer_norm`, the call an eager
// ln.layer_norm makes. It runs ln::layer_norm_fwd through the dispatcher as
// torch.ops.ln.layer_norm_fwd does, so that autograd, autocast, torch
// dispatch modes and functorch see the same operator, but without torch.ops'
// Python side: the OpOverload's call, the arguments converted through the
// schema, and the mean and rstd outputs wrapped into Python objects only to
// be dropped. That side was a quarter of a small call's host time (H200,
// 8 x 1024 f16: 11.8 us a call through torch.ops, 8.8 us from here,
// torch.nn.functional.layer_norm 10.7; docs/python.md).
//
// It takes only arguments it can read as they are: tensors (or None), a
// normalized_shape of integers, an eps that is a float or an int. For
// anything else it returns NotImplemented, and ln.layer_norm goes through
// torch.ops, whose checks name the problem. __torch_function__ is for the
// caller to rule out (the dispatcher never sees it): ln.layer_norm asks
// torch._C._has_torch_function_variadic first, as torch's own
// layer_norm does.
//
//===----------------------------------------------------------------------===//

#include "ln_torch_ops.h"

#include <torch/csrc/Exceptions.h>
#include <torch/csrc/autograd/python_variable.h>
#include <torch/extension.h>

#include <optional>
#include <vector>

namespace {

namespace py = pybind11;

py::object notImplemented() {
  return py::reinterpret_borrow<py::object>(Py_NotImplemented);
}

/// `object` as an optional tensor argument; false where it is neither a
/// tensor nor None.
bool readTensor(PyObject *object, std::optional<at::Tensor> &tensor) {
  if (object == Py_None)
    return true;
  if (!THPVariable_Check(object))
    return false;
  tensor = THPVariable_Unpack(object);
  return true;
}

/// One dimension: an int, or anything with __index__ (a numpy integer), as
/// operator.index reads it. False, with no Python error left set, where it
/// is not one.
bool readDimension(PyObject *object, std::vector<c10::SymInt> &shape) {
  if (!PyLong_Check(object) && !PyIndex_Check(object))
    return false;
  PyObject *index = PyNumber_Index(object);
  long long value = index ? PyLong_AsLongLong(index) : -1;
  Py_XDECREF(index);
  if (value == -1 && PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  shape.emplace_back(static_cast<int64_t>(value));
  return true;
}

/// normalized_shape as ln.ops.normalize_shape reads it: a list or tuple
/// (torch.Size included) of dimensions, or one dimension. False for
/// anything else (other iterables), which ln.ops reads instead.
bool readShape(PyObject *object, std::vector<c10::SymInt> &shape) {
  if (PyList_Check(object) || PyTuple_Check(object)) {
    Py_ssize_t size = PySequence_Fast_GET_SIZE(object);
    PyObject **items = PySequence_Fast_ITEMS(object);
    for (Py_ssize_t i = 0; i < size; ++i)
      if (!readDimension(items[i], shape))
        return false;
    return true;
  }
  return readDimension(object, shape);
}

/// eps as float(eps) reads a float or an int (a bool included).
bool readEps(PyObject *object, double &eps) {
  if (PyFloat_Check(object)) {
    eps = PyFloat_AS_DOUBLE(object);
    return true;
  }
  if (!PyLong_Check(object))
    return false;
  eps = PyLong_AsDouble(object);
  if (eps == -1.0 && PyErr_Occurred()) {
    PyErr_Clear();
    return false;
  }
  return true;
}

/// y = ln::layer_norm_fwd(x, normalized_shape, weight, bias, eps)[0], or
/// NotImplemented where an argument is not one this call reads.
py::object layerNorm(py::handle x, py::handle normalizedShape,
                     py::handle weight, py::handle bias, py::handle eps) {
  HANDLE_TH_ERRORS
  std::optional<at::Tensor> input, kernelWeight, kernelBias;
  std::vector<c10::SymInt> shape;
  double epsilon = 0;
  if (x.ptr() == Py_None || !readTensor(x.ptr(), input) ||
      !readTensor(weight.ptr(), kernelWeight) ||
      !readTensor(bias.ptr(), kernelBias) ||
      !readShape(normalizedShape.ptr(), shape) || !readEps(eps.ptr(), epsilon))
    return notImplemented();
  at::Tensor y;
  {
    // As torch's own bindings: other Python threads run during the launch.
    py::gil_scoped_release released;
    y = std::get<0>(ln::torch_ops::forwardOp().call(
        *input, shape, kernelWeight, kernelBias, epsilon));
  }
  return py::reinterpret_steal<py::object>(THPVariable_Wrap(std::move(y)));
  END_HANDLE_TH_ERRORS_PYBIND
}

} // namespace

PYBIND11_MODULE(TORCH_EXTENSION_NAME, module) {
  module.doc() = "ln.layer_norm's eager call of ln::layer_norm_fwd";
  module.def("layer_norm", &layerNorm, py::arg("x"),
             py::arg("normalized_shape"), py::arg("weight"), py::arg("bias"),
             py::arg("eps"),
             "y of ln::layer_norm_fwd, or NotImplemented for arguments it "
             "does not read (ln.layer_norm then calls torch.ops.ln)");
}
