//===- ln_torch_ops.cpp - torch.ops.ln in C++ -----------------------------===//
//
// The operators ln::layer_norm_fwd and ln::layer_norm_bwd as a C++ operator
// library: their schemas, CUDA kernels calling ln's C API on at::Tensors,
// their autograd formula and their autocast rule. An eager call then goes
// from Python through one dispatcher call to C++, as torch's own layer_norm
// does, instead of the dispatcher's Python round trips of a Python custom
// operator (most of a small call's host time).
//
// It computes what ln/ops.py's Python operators compute, with the same
// argument checks and messages; ln/ops.py registers the fake (meta)
// implementations of both. Built on first use by ln/_native.py.
//
//===----------------------------------------------------------------------===//

#include "ln_torch_ops.h"

#include "ln/Runtime/ln.h"

#include <ATen/TensorUtils.h>
#include <ATen/core/LegacyTypeDispatch.h>
#include <ATen/ops/empty.h>
#include <ATen/ops/full.h>
#include <ATen/ops/zeros.h>
#include <c10/core/ScalarType.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/library.h>

#include <array>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>

const c10::TypedOperatorHandle<ln::torch_ops::ForwardSignature> &
ln::torch_ops::forwardOp() {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("ln::layer_norm_fwd", "")
                             .typed<ForwardSignature>();
  return op;
}

namespace {

using at::Tensor;
using c10::SymIntArrayRef;
using ln::torch_ops::forwardOp;
using OptionalTensor = std::optional<Tensor>;
using Outputs = std::tuple<Tensor, Tensor, Tensor>;
using Mask = std::array<bool, 3>;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

using BackwardSignature = Outputs(const Tensor &, const Tensor &,
                                  SymIntArrayRef, const Tensor &,
                                  const Tensor &, const OptionalTensor &,
                                  const OptionalTensor &, Mask);

const c10::TypedOperatorHandle<BackwardSignature> &backwardOp() {
  static const auto op = c10::Dispatcher::singleton()
                             .findSchemaOrThrow("ln::layer_norm_bwd", "")
                             .typed<BackwardSignature>();
  return op;
}

//===----------------------------------------------------------------------===//
// Arguments
//===----------------------------------------------------------------------===//

// torch's Python name of a dtype ("torch.float16"), as ln/ops.py's messages
// print it.
std::string dtypeName(c10::ScalarType type) {
  return "torch." + c10::getDtypeNames(type).first;
}

bool isLnDtype(c10::ScalarType type) {
  return type == at::kHalf || type == at::kBFloat16 || type == at::kFloat;
}

ln_dtype lnDtype(c10::ScalarType type) {
  switch (type) {
  case at::kHalf:
    return LN_F16;
  case at::kBFloat16:
    return LN_BF16;
  default:
    return LN_F32;
  }
}

int64_t product(c10::IntArrayRef sizes) {
  int64_t result = 1;
  for (int64_t size : sizes)
    result *= size;
  return result;
}

/// M: the number of rows, the product of x's leading dimensions.
int64_t countRows(const Tensor &x, c10::IntArrayRef normalizedShape) {
  return product(x.sizes().slice(0, x.dim() - normalizedShape.size()));
}

/// ln/ops.py's check_arguments: TypeError or ValueError naming what ln
/// cannot compute. Returns N, the number of features normalized together.
int64_t checkArguments(const Tensor &x, c10::IntArrayRef shape,
                       const OptionalTensor &weight,
                       const OptionalTensor &bias) {
  TORCH_CHECK_VALUE(x.is_cuda(),
                    "ln.layer_norm runs on CUDA tensors, but x "
                    "is on ",
                    x.device());
  TORCH_CHECK_TYPE(isLnDtype(x.scalar_type()),
                   "ln.layer_norm supports torch.float16, torch.bfloat16 and "
                   "torch.float32; x is ",
                   dtypeName(x.scalar_type()));
  TORCH_CHECK_VALUE(!shape.empty(),
                    "normalized_shape must name at least one dimension");
  TORCH_CHECK_VALUE(x.dim() >= static_cast<int64_t>(shape.size()) &&
                        x.sizes().slice(x.dim() - shape.size()) == shape,
                    "normalized_shape ", shape,
                    " must equal the last dimensions of x, of "
                    "shape ",
                    x.sizes());
  for (const auto &[name, tensor] :
       {std::pair<const char *, const OptionalTensor &>{"weight", weight},
        {"bias", bias}}) {
    if (!tensor.has_value() || !tensor->defined())
      continue;
    TORCH_CHECK_VALUE(tensor->sizes() == shape, name, " must have shape ",
                      shape, " (normalized_shape), got ", tensor->sizes());
    TORCH_CHECK_VALUE(tensor->device() == x.device(), name, " is on ",
                      tensor->device(), " but x is on ", x.device());
    TORCH_CHECK_TYPE(tensor->is_floating_point(), name,
                     " must be a floating-point tensor, got ",
                     dtypeName(tensor->scalar_type()));
  }
  return product(shape);
}

const Tensor *present(const OptionalTensor &tensor) {
  return tensor.has_value() && tensor->defined() ? &*tensor : nullptr;
}

//===----------------------------------------------------------------------===//
// Launches
//===----------------------------------------------------------------------===//

/// Raises a failing ln_status as ln/ops.py's caller sees it: ValueError for
/// an invalid argument, RuntimeError otherwise. The "ln runtime error N: "
/// prefix lets ln.layer_norm raise the matching ln.LnError subclass.
void check(ln_status status) {
  if (status == LN_SUCCESS)
    return;
  std::string message = ln_last_error();
  if (message.empty())
    message = "ln runtime call failed with status " + std::to_string(status);
  message = "ln runtime error " + std::to_string(status) + ": " + message;
  TORCH_CHECK_VALUE(status != LN_ERROR_INVALID_ARGUMENT, message);
  TORCH_CHECK(false, message);
}

/// The rows of `tensor` as the kernels read them: a tensor holding M rows of
/// N contiguous elements and their stride. A contiguous tensor is used as it
/// is; leading dimensions that collapse into one stride are read in place
/// (a slice of a wider tensor keeps its row stride); anything else, such as
/// a non-contiguous row or overlapping rows, is copied.
std::pair<Tensor, int64_t> asRows(const Tensor &tensor, int64_t M, int64_t N) {
  if (tensor.is_contiguous())
    return {tensor, N};
  auto strides = at::detail::computeStride(tensor.sizes(), tensor.strides(),
                                           c10::IntArrayRef{M, N});
  if (strides && ((*strides)[1] == 1 || N == 1)) {
    // A single row's stride is meaningless; the runtime wants >= N.
    int64_t stride = M > 1 ? (*strides)[0] : N;
    if (stride >= N)
      return {tensor, stride};
  }
  return {tensor.reshape({M, N}).contiguous(), N};
}

/// Ones or zeros standing in for an absent weight or bias, kept per N,
/// dtype, device and fill (the kernels always read both). Never freed: a
/// static tensor would be destroyed after torch's allocator at exit.
Tensor constant(int64_t N, const Tensor &x, bool ones, cudaStream_t stream) {
  using Key = std::tuple<int64_t, c10::ScalarType, c10::DeviceIndex, bool>;
  static auto *constants = new std::map<Key, Tensor>();
  static std::mutex mutex;
  Key key{N, x.scalar_type(), x.get_device(), ones};
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto found = constants->find(key);
    if (found != constants->end())
      return found->second;
  }
  Tensor tensor = at::full({N}, ones ? 1.0 : 0.0, x.options());
  // One made while a CUDA graph is captured is filled only when the graph
  // replays, and lives in its pool: it must not outlive it.
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusNone;
  if (cudaStreamIsCapturing(stream, &capture) == cudaSuccess &&
      capture == cudaStreamCaptureStatusNone) {
    std::lock_guard<std::mutex> lock(mutex);
    constants->emplace(key, tensor);
  }
  return tensor;
}

/// weight or bias as the kernels read them: N contiguous elements of x's
/// dtype (a copy when the parameter has another dtype).
Tensor parameter(const OptionalTensor &tensor, bool ones, const Tensor &x,
                 int64_t N, cudaStream_t stream) {
  const Tensor *given = present(tensor);
  if (!given)
    return constant(N, x, ones, stream);
  // As it is where it already is (no dispatcher call: host time).
  if (given->scalar_type() == x.scalar_type() && given->is_contiguous())
    return *given;
  return given->to(x.scalar_type()).contiguous();
}

/// The N sums of a parameter's gradient in the parameter's shape and dtype
/// (no dispatcher call where they already are).
Tensor asParameterGradient(const Tensor &sums, const Tensor &parameter) {
  Tensor gradient = parameter.dim() == 1 ? sums : sums.view(parameter.sizes());
  if (parameter.scalar_type() == sums.scalar_type())
    return gradient;
  return gradient.to(parameter.scalar_type());
}

int64_t align(int64_t bytes) { return (bytes + 255) / 256 * 256; }

//===----------------------------------------------------------------------===//
// The CUDA kernels
//===----------------------------------------------------------------------===//

Outputs forwardCuda(const Tensor &x, SymIntArrayRef symShape,
                    const OptionalTensor &weight, const OptionalTensor &bias,
                    double eps) {
  c10::IntArrayRef shape = C10_AS_INTARRAYREF_SLOW(symShape);
  int64_t N = checkArguments(x, shape, weight, bias);
  int64_t M = countRows(x, shape);
  c10::cuda::CUDAGuard deviceGuard(x.device());
  Tensor y = at::empty(x.sizes(), x.options());
  // Two allocations: an operator's outputs may not alias each other.
  auto statsOptions = x.options().dtype(at::kFloat);
  Tensor mean = at::empty({M}, statsOptions);
  Tensor rstd = at::empty({M}, statsOptions);
  if (M == 0 || N == 0) // nothing to normalize: no launch, as torch does
    return {y, mean, rstd};
  cudaStream_t stream = c10::cuda::getCurrentCUDAStream(x.get_device());
  auto [rows, stride] = asRows(x, M, N);
  Tensor kernelWeight = parameter(weight, /*ones=*/true, x, N, stream);
  Tensor kernelBias = parameter(bias, /*ones=*/false, x, N, stream);
  check(ln_layer_norm_forward(
      lnDtype(x.scalar_type()), stream, M, N, static_cast<float>(eps),
      rows.const_data_ptr(), stride, kernelWeight.const_data_ptr(),
      kernelBias.const_data_ptr(), y.mutable_data_ptr(), N,
      mean.mutable_data_ptr<float>(), rstd.mutable_data_ptr<float>()));
  return {y, mean, rstd};
}

/// dx, dw and db; an empty tensor in place of each one output_mask does not
/// ask for (or of dw, db without weight, bias). Where neither dw nor db is
/// asked for, the C API skips their sums (both NULL); otherwise it computes
/// dx, dw and db together, and what is not asked for is written into scratch
/// after the workspace, in the same allocation.
Outputs backwardCuda(const Tensor &dy, const Tensor &x, SymIntArrayRef symShape,
                     const Tensor &mean, const Tensor &rstd,
                     const OptionalTensor &weight, const OptionalTensor &bias,
                     Mask outputMask) {
  c10::IntArrayRef shape = C10_AS_INTARRAYREF_SLOW(symShape);
  const Tensor *givenWeight = present(weight);
  const Tensor *givenBias = present(bias);
  bool needDx = outputMask[0];
  bool needDw = outputMask[1] && givenWeight;
  bool needDb = outputMask[2] && givenBias;
  int64_t N = checkArguments(x, shape, weight, bias);
  int64_t M = countRows(x, shape);
  // The kernels read dy as x's rows and M float32 statistics.
  TORCH_CHECK_VALUE(dy.sizes() == x.sizes() && dy.device() == x.device() &&
                        dy.scalar_type() == x.scalar_type(),
                    "dy must match x (", x.sizes(), ", ",
                    dtypeName(x.scalar_type()), ", ", x.device(), "), got ",
                    dy.sizes(), ", ", dtypeName(dy.scalar_type()), ", ",
                    dy.device());
  for (const Tensor *stats : {&mean, &rstd})
    TORCH_CHECK_VALUE(stats->scalar_type() == at::kFloat &&
                          stats->numel() == M && stats->is_contiguous() &&
                          stats->device() == x.device(),
                      "mean and rstd must be ", M,
                      " contiguous float32 values on ", x.device());
  c10::cuda::CUDAGuard deviceGuard(x.device());
  // Each output its own allocation: an operator's outputs may not alias.
  auto none = [&dy] { return at::empty({0}, dy.options()); };
  if (M == 0 || N == 0) // no launch: the sums over no rows are zeros
    return {needDx ? at::empty(x.sizes(), x.options()) : none(),
            needDw ? at::zeros(givenWeight->sizes(), givenWeight->options())
                   : none(),
            needDb ? at::zeros(givenBias->sizes(), givenBias->options())
                   : none()};

  // Outputs the kernels write as they are; dw/db of another dtype than x
  // are computed in x's and converted below.
  Tensor dx = needDx ? at::empty(x.sizes(), x.options()) : none();
  Tensor dw = needDw ? at::empty({N}, x.options()) : none();
  Tensor db = needDb ? at::empty({N}, x.options()) : none();
  ln_dtype dtype = lnDtype(x.scalar_type());
  int64_t size =
      static_cast<int64_t>(ln_layer_norm_backward_workspace_size(dtype, M, N));
  int64_t elementSize = static_cast<int64_t>(x.element_size());
  int64_t scratchDx = needDx ? 0 : align(M * N * elementSize);
  bool needSums = needDw || needDb;
  int64_t scratchRows = needSums ? (needDw ? 0 : 1) + (needDb ? 0 : 1) : 0;
  int64_t rowBytes = align(N * elementSize);
  Tensor workspace = at::empty({size + scratchDx + scratchRows * rowBytes},
                               x.options().dtype(at::kByte));
  auto *scratch = static_cast<uint8_t *>(workspace.mutable_data_ptr()) + size;
  void *dxPointer = needDx ? dx.mutable_data_ptr() : scratch;
  scratch += scratchDx;
  void *dwPointer = needDw ? dw.mutable_data_ptr() : scratch;
  scratch += needDw ? 0 : rowBytes;
  void *dbPointer = needDb ? db.mutable_data_ptr() : scratch;
  if (!needSums)
    dwPointer = dbPointer = nullptr;

  cudaStream_t stream = c10::cuda::getCurrentCUDAStream(x.get_device());
  auto [rows, stride] = asRows(x, M, N);
  auto [dyRows, dyStride] = asRows(dy, M, N);
  Tensor kernelWeight = parameter(weight, /*ones=*/true, x, N, stream);
  check(ln_layer_norm_backward(
      dtype, stream, M, N, dyRows.const_data_ptr(), dyStride,
      rows.const_data_ptr(), stride, kernelWeight.const_data_ptr(),
      static_cast<const float *>(mean.const_data_ptr()),
      static_cast<const float *>(rstd.const_data_ptr()), dxPointer, N,
      dwPointer, dbPointer, workspace.mutable_data_ptr()));
  if (needDw)
    dw = asParameterGradient(dw, *givenWeight);
  if (needDb)
    db = asParameterGradient(db, *givenBias);
  return {dx, dw, db};
}

/// Arguments on the CPU reach this kernel only to be refused with
/// checkArguments' message, as ln/ops.py's check_arguments does.
Outputs forwardCpu(const Tensor &x, SymIntArrayRef shape,
                   const OptionalTensor &weight, const OptionalTensor &bias,
                   double) {
  checkArguments(x, C10_AS_INTARRAYREF_SLOW(shape), weight, bias);
  TORCH_CHECK(false, "ln::layer_norm_fwd has no CPU kernel");
}

//===----------------------------------------------------------------------===//
// Autograd
//===----------------------------------------------------------------------===//

bool requiresGrad(const OptionalTensor &tensor) {
  const Tensor *given = present(tensor);
  return given && given->requires_grad();
}

const char *const doubleBackwardRefused =
    "ln.layer_norm is differentiable once: its backward pass "
    "(ln::layer_norm_bwd) has no derivative, so double backward (e.g. "
    "torch.autograd.grad(..., create_graph=True) followed by another "
    "backward through it) is not supported; use "
    "torch.nn.functional.layer_norm there";

/// layer_norm_bwd's autograd node, made only where its outputs need one
/// (create_graph=True): their backward pass is refused.
struct LayerNormBackward : public torch::autograd::Function<LayerNormBackward> {
  static variable_list forward(AutogradContext *, const Tensor &dy,
                               const Tensor &x, SymIntArrayRef shape,
                               const Tensor &mean, const Tensor &rstd,
                               const OptionalTensor &weight,
                               const OptionalTensor &bias, Mask outputMask) {
    at::AutoDispatchBelowADInplaceOrView belowAutograd;
    auto [dx, dw, db] =
        backwardOp().call(dy, x, shape, mean, rstd, weight, bias, outputMask);
    return {dx, dw, db};
  }

  static variable_list backward(AutogradContext *, variable_list) {
    TORCH_CHECK(false, doubleBackwardRefused);
  }
};

/// layer_norm_fwd's autograd node: its backward pass is layer_norm_bwd,
/// asked for the gradients the inputs need.
struct LayerNormForward : public torch::autograd::Function<LayerNormForward> {
  static variable_list forward(AutogradContext *ctx, const Tensor &x,
                               SymIntArrayRef shape,
                               const OptionalTensor &weight,
                               const OptionalTensor &bias, double eps) {
    at::AutoDispatchBelowADInplaceOrView belowAutograd;
    auto [y, mean, rstd] = forwardOp().call(x, shape, weight, bias, eps);
    ctx->save_for_backward(
        {x, weight.value_or(Tensor()), bias.value_or(Tensor()), mean, rstd});
    ctx->saved_data["normalized_shape"] = shape;
    ctx->mark_non_differentiable({mean, rstd});
    // No zeros for mean's and rstd's (never defined) gradients.
    ctx->set_materialize_grads(false);
    return {y, mean, rstd};
  }

  static variable_list backward(AutogradContext *ctx, variable_list grads) {
    if (!grads[0].defined()) // y unused: no gradient for any input
      return {Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
    variable_list saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &weight = saved[1], &bias = saved[2];
    // needs_input_grad counts the tensor inputs given: x, then weight and
    // bias where present.
    size_t weightEdge = 1, biasEdge = weight.defined() ? 2 : 1;
    Mask mask{ctx->needs_input_grad(0),
              weight.defined() && ctx->needs_input_grad(weightEdge),
              bias.defined() && ctx->needs_input_grad(biasEdge)};
    std::vector<c10::SymInt> shape =
        ctx->saved_data["normalized_shape"].toSymIntVector();
    auto [dx, dw, db] = backwardOp().call(
        grads[0], x, shape, saved[3], saved[4],
        weight.defined() ? OptionalTensor(weight) : std::nullopt,
        bias.defined() ? OptionalTensor(bias) : std::nullopt, mask);
    // One gradient per forward argument, none for the non-tensors.
    return {mask[0] ? dx : Tensor(), Tensor(), mask[1] ? dw : Tensor(),
            mask[2] ? db : Tensor(), Tensor()};
  }
};

Outputs toTuple(const variable_list &outputs) {
  return {outputs[0], outputs[1], outputs[2]};
}

Outputs forwardAutograd(const Tensor &x, SymIntArrayRef shape,
                        const OptionalTensor &weight,
                        const OptionalTensor &bias, double eps) {
  if (!torch::autograd::GradMode::is_enabled() ||
      !(x.requires_grad() || requiresGrad(weight) || requiresGrad(bias))) {
    // No node to record: straight to the kernel.
    at::AutoDispatchBelowADInplaceOrView belowAutograd;
    return forwardOp().call(x, shape, weight, bias, eps);
  }
  return toTuple(LayerNormForward::apply(x, shape, weight, bias, eps));
}

Outputs backwardAutograd(const Tensor &dy, const Tensor &x,
                         SymIntArrayRef shape, const Tensor &mean,
                         const Tensor &rstd, const OptionalTensor &weight,
                         const OptionalTensor &bias, Mask outputMask) {
  if (!torch::autograd::GradMode::is_enabled() ||
      !(dy.requires_grad() || x.requires_grad() || mean.requires_grad() ||
        rstd.requires_grad() || requiresGrad(weight) || requiresGrad(bias))) {
    at::AutoDispatchBelowADInplaceOrView belowAutograd;
    return backwardOp().call(dy, x, shape, mean, rstd, weight, bias,
                             outputMask);
  }
  return toTuple(LayerNormBackward::apply(dy, x, shape, mean, rstd, weight,
                                          bias, outputMask));
}

//===----------------------------------------------------------------------===//
// Autocast
//===----------------------------------------------------------------------===//

/// torch's autocast runs layer_norm in float32 (it is on the CUDA fp32
/// list): floating-point CUDA inputs are cast to float32, and so is the
/// output (ln/ops.py's register_autocast("cuda", torch.float32)).
Tensor toFloat32(const Tensor &tensor) {
  // torch's autocast eligibility: float64 is left alone (and refused).
  return tensor.is_cuda() && tensor.is_floating_point() &&
                 tensor.scalar_type() != at::kDouble
             ? tensor.to(at::kFloat)
             : tensor;
}

OptionalTensor toFloat32(const OptionalTensor &tensor) {
  const Tensor *given = present(tensor);
  return given ? OptionalTensor(toFloat32(*given)) : tensor;
}

Outputs forwardAutocast(const Tensor &x, SymIntArrayRef shape,
                        const OptionalTensor &weight,
                        const OptionalTensor &bias, double eps) {
  c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::DispatchKey::AutocastCUDA);
  return forwardOp().call(toFloat32(x), shape, toFloat32(weight),
                          toFloat32(bias), eps);
}

} // namespace

TORCH_LIBRARY(ln, m) {
  // ln/ops.py registers the fake implementations.
  m.set_python_module("ln.ops");
  m.def("layer_norm_fwd(Tensor x, SymInt[] normalized_shape, Tensor? weight, "
        "Tensor? bias, float eps) -> (Tensor, Tensor, Tensor)");
  m.def("layer_norm_bwd(Tensor dy, Tensor x, SymInt[] normalized_shape, "
        "Tensor mean, Tensor rstd, Tensor? weight, Tensor? bias, "
        "bool[3] output_mask) -> (Tensor, Tensor, Tensor)");
}

TORCH_LIBRARY_IMPL(ln, CUDA, m) {
  m.impl("layer_norm_fwd", TORCH_FN(forwardCuda));
  m.impl("layer_norm_bwd", TORCH_FN(backwardCuda));
}

TORCH_LIBRARY_IMPL(ln, CPU, m) {
  m.impl("layer_norm_fwd", TORCH_FN(forwardCpu));
}

TORCH_LIBRARY_IMPL(ln, Autograd, m) {
  m.impl("layer_norm_fwd", TORCH_FN(forwardAutograd));
  m.impl("layer_norm_bwd", TORCH_FN(backwardAutograd));
}

TORCH_LIBRARY_IMPL(ln, AutocastCUDA, m) {
  m.impl("layer_norm_fwd", TORCH_FN(forwardAutocast));
}
